"""Measure the sandbox: generation time and export page latency over HTTPS.

    python -m sandbox.measure --accounts 5000 --tickets 1000000 --pages 20

Prints the figures docs/sandbox.md quotes. Talks only to the sandbox it starts (loopback).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from .config import SandboxConfig
from .testing import run_sandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as var:
        config = SandboxConfig(
            seed=args.seed, accounts=args.accounts, tickets=args.tickets, var_dir=Path(var)
        )
        started = time.perf_counter()
        with run_sandbox(config) as handle:
            startup = time.perf_counter() - started
            print(
                f"startup: {startup:.2f}s for {args.accounts} accounts, {args.tickets} tickets "
                f"(ticket index {handle.state.index_seconds:.2f}s)"
            )
            session = handle.zendesk_session()
            url = f"{handle.url}/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1000"
            timings: list[float] = []
            server: list[float] = []
            sizes: list[int] = []
            count = 0
            for _ in range(args.pages):
                t0 = time.perf_counter()
                response = session.get(url, timeout=60)
                body = response.content
                timings.append((time.perf_counter() - t0) * 1000)
                server.append(float(response.headers["X-Sandbox-Ms"]))
                page = response.json()
                sizes.append(len(body))
                count += len(page["tickets"])
                if page["end_of_stream"]:
                    break
                url = page["after_url"]
            print(
                f"export pages: {len(timings)} x 1000 tickets, median {statistics.median(timings):.1f} ms, "
                f"max {max(timings):.1f} ms (in the sandbox: median {statistics.median(server):.1f} ms), "
                f"mean size {statistics.mean(sizes) / 1e6:.2f} MB"
            )
            t0 = time.perf_counter()
            events = session.get(
                f"{handle.url}/api/v2/incremental/ticket_events.json",
                params={"start_time": "0", "include": "comment_events"},
                timeout=600,
            )
            print(
                f"first ticket events page (builds the event index): {(time.perf_counter() - t0):.2f}s, "
                f"{len(events.json()['ticket_events'])} events"
            )
            t0 = time.perf_counter()
            events = session.get(events.json()["next_page"], timeout=60)
            print(f"next ticket events page: {(time.perf_counter() - t0) * 1000:.1f} ms")
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak memory (this process, sandbox and client): {rss:.0f} MB")


if __name__ == "__main__":
    main()
