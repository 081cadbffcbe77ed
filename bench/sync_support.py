"""Helpers of the sync benchmark: a sandbox in its own process, a fresh PostgreSQL database,
and the measured work, each run in a child process (``python -m bench.sync_support ...``) so
that its peak RSS is its own.

Child commands (JSON written to OUT):
    fetch OUT        page through the ticket export with the sync's client, no database
    sync OUT         backfill the ticket stream into the database (the sync itself)
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import instance_env, recreate_database

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_SYNC_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csm_bench_sync")
# The broker the other apps' page_synced receivers enqueue their tasks on, as in production.
REDIS_URL = os.environ.get("BENCH_SYNC_REDIS_URL", "redis://127.0.0.1:6379/2")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(var_dir: Path, sandbox_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZENDESK_", "SALESFORCE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="csmportal.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        SANDBOX="1",
        SANDBOX_URL=sandbox_url,
        SALESFORCE_LOGIN_URL=sandbox_url,
        VAR_DIR=str(var_dir),
        ZENDESK_RATE_LIMIT="",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        **instance_env(),
    )
    env.update(extra)
    return env


@contextmanager
def sandbox(var_dir: Path, *, tickets: int, accounts: int = 400, rate_limit: str = ""):
    """A sandbox in its own process (its CPU and memory are not the sync's)."""
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    args = [
        sys.executable,
        "manage.py",
        "sandbox",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--quiet",
        "--tickets",
        str(tickets),
        "--accounts",
        str(accounts),
    ]
    if rate_limit:
        args += ["--rate-limit", rate_limit]
    env = base_env(var_dir, url, DEBUG="1", DATABASE_URL="sqlite:///:memory:", REDIS_URL="")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the sandbox stopped: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the sandbox did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def fresh_database(var_dir: Path, sandbox_url: str) -> None:
    """Drop, create and migrate the benchmark's PostgreSQL database."""
    recreate_database(DATABASE_URL)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=base_env(var_dir, sandbox_url),
        check=True,
        timeout=600,
    )


def child(command: str, var_dir: Path, sandbox_url: str, **env: str) -> dict[str, Any]:
    """Run ``python -m bench.sync_support <command>`` and return what it measured."""
    out = var_dir / f"{command}-{time.monotonic_ns()}.json"
    subprocess.run(
        [sys.executable, "-m", "bench.sync_support", command, str(out)],
        cwd=ROOT,
        env=base_env(var_dir, sandbox_url, **env),
        check=True,
        timeout=3600,
    )
    return json.loads(out.read_text())


def sandbox_stats(var_dir: Path, sandbox_url: str) -> dict[str, Any]:
    import requests

    session = requests.Session()
    session.trust_env = False
    response = session.get(
        f"{sandbox_url}/_sandbox/stats",
        auth=("portal@example.com/token", "sandbox-zendesk-token"),
        verify=str(var_dir / "sandbox" / "ca.pem"),
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


# -- child side ---------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_fetch() -> dict[str, Any]:
    from integrations.zendesk import ZendeskClient

    client = ZendeskClient.from_settings(may_wait=True)
    started = time.perf_counter()
    tickets = pages = 0
    for page in client.ticket_pages(""):
        tickets += len(page.records)
        pages += 1
    seconds = time.perf_counter() - started
    return {"tickets": tickets, "pages": pages, "seconds": seconds, "rss_mb": peak_rss_mb()}


def measure_sync() -> dict[str, Any]:
    from csmportal import instances
    from integrations.runner import run_stream
    from tickets.models import Ticket

    other = {}
    for key in instances.keys():  # noqa: SIM118 (instances is a module)
        if key != instances.GLOBAL:
            # Another instance's tickets (the same numbers) are in the table before the
            # measured backfill of the global instance's, as they would be in production.
            earlier = run_stream(f"zendesk.tickets@{key}", full=True, trigger="bench", may_wait=True)
            other[key] = {"status": earlier.status, "tickets": earlier.fetched}
    started = time.perf_counter()
    run = run_stream("zendesk.tickets", full=True, trigger="bench", may_wait=True)
    seconds = time.perf_counter() - started
    return {
        "other_instances": other,
        "status": run.status,
        "tickets": run.fetched,
        "created": run.created,
        "deleted": run.deleted,
        "pages": run.pages,
        "rows": Ticket.objects.filter(zd_instance=instances.GLOBAL).count(),
        "seconds": seconds,
        "rss_mb": peak_rss_mb(),
    }


def main(argv: list[str]) -> int:
    command, out = argv[0], Path(argv[1])
    import django

    django.setup()
    result = {"fetch": measure_fetch, "sync": measure_sync}[command]()
    out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
