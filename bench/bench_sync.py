"""The sync's backfill of Zendesk tickets from the sandbox into PostgreSQL.

Every measured piece runs in its own child process (``bench/sync_support.py``), beside a sandbox
in another process, so CPU and peak RSS are the sync's own.

1. Speed (rate limits off, BENCH_SYNC_TICKETS tickets, default 100,000): the raw fetch rate
   (the sync's Zendesk client paging through the export, JSON read, records built, no
   database; best of two passes) and the full sync rate (fetch + upsert + links + cursor, one
   transaction a page). Targets: >= 5,000 tickets/s and >= half the raw fetch rate.
2. Memory: peak RSS of the backfill of BENCH_SYNC_TICKETS vs BENCH_SYNC_SMALL_TICKETS (10,000)
   tickets. Target: the large one at most 1.2x the small one.
3. Pacing: the incremental export limited to BENCH_SYNC_LIMIT (Zendesk's 10 requests a minute,
   the window scaled to 15 s) with the sync pacing itself to that budget. The limit allows
   R requests in floor((R - 1) / 10) * 15 s at the very least; the backfill is sized so its last
   request opens a window (R = 41). Target: at most 1.05x that, and no 429.

The other apps' page_synced receivers run as in production: they enqueue their tasks on Redis.

Environment: BENCH_SYNC_DATABASE_URL (postgres://postgres@127.0.0.1:5432/csm_bench_sync; the
database is dropped and created), BENCH_SYNC_REDIS_URL (redis://127.0.0.1:6379/2; flushed),
BENCH_SYNC_TICKETS, BENCH_SYNC_SMALL_TICKETS,
BENCH_SYNC_LIMIT ("incremental=10/15"), BENCH_SYNC_LIMIT_TICKETS (40,500).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from bench import sync_support as support
from bench.common import Metric

TICKETS = int(os.environ.get("BENCH_SYNC_TICKETS", "100000"))
SMALL = int(os.environ.get("BENCH_SYNC_SMALL_TICKETS", "10000"))
LIMIT = os.environ.get("BENCH_SYNC_LIMIT", "incremental=10/15")
LIMIT_TICKETS = int(os.environ.get("BENCH_SYNC_LIMIT_TICKETS", "40500"))


def speed_and_memory(tmp: Path) -> list[Metric]:
    with support.sandbox(tmp, tickets=TICKETS) as url:
        # The fetch reads the field mapping from the database: it must exist, even empty.
        support.fresh_database(tmp, url)
        fetches = [support.child("fetch", tmp, url) for _ in range(2)]
        support.fresh_database(tmp, url)
        big = support.child("sync", tmp, url)
    with support.sandbox(tmp, tickets=SMALL) as url:
        support.fresh_database(tmp, url)
        small = support.child("sync", tmp, url)
    raw = max(f["tickets"] / f["seconds"] for f in fetches)
    rate = big["tickets"] / big["seconds"]
    complete = big["status"] == "succeeded" and big["rows"] == TICKETS == big["tickets"]
    ratio = big["rss_mb"] / small["rss_mb"]
    return [
        Metric("raw fetch rate (no database)", raw, "tickets/s", detail={"passes": fetches}),
        Metric(
            "full sync rate (fetch + upsert)",
            rate,
            "tickets/s",
            ">= 5000 tickets/s",
            rate >= 5000 and complete,
            detail=big,
        ),
        Metric("full sync / raw fetch", rate / raw, "", ">= 0.5", rate / raw >= 0.5 and complete),
        Metric(f"peak RSS, {SMALL:,} tickets", small["rss_mb"], "MB", detail=small),
        Metric(f"peak RSS, {TICKETS:,} tickets", big["rss_mb"], "MB"),
        Metric(f"peak RSS {TICKETS:,} / {SMALL:,}", ratio, "x", "<= 1.2", ratio <= 1.2),
    ]


def paced(tmp: Path) -> list[Metric]:
    key, _, budget = LIMIT.partition("=")
    count, _, window = budget.partition("/")
    count_n, window_s = int(count), float(window)
    with support.sandbox(tmp, tickets=LIMIT_TICKETS, rate_limit=LIMIT) as url:
        support.fresh_database(tmp, url)
        result = support.child("sync", tmp, url, ZENDESK_RATE_LIMIT=LIMIT)
        stats = support.sandbox_stats(tmp, url)
    requests = result["pages"]  # one export request a page
    allowed = math.floor((requests - 1) / count_n) * window_s
    ratio = result["seconds"] / allowed if allowed else float("nan")
    limited = int(stats.get("rate_limited", {}).get(key, 0))
    detail = {
        **result,
        "export_requests": requests,
        "budget": LIMIT,
        "allowed_seconds": allowed,
        "429s": limited,
    }
    return [
        Metric("rate-limited backfill", result["seconds"], "s", detail=detail),
        Metric("rate-limited backfill / time the limit allows", ratio, "x", "<= 1.05", ratio <= 1.05, detail),
        Metric("429s received while paced", limited, "", "0", limited == 0),
    ]


def run() -> list[Metric]:
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        return speed_and_memory(Path(tmp)) + paced(Path(tmp))
