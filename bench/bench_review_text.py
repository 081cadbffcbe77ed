"""Customer text cannot stall the portal: secret masking and the full best-practice review on
adversarial texts of 8, 64 and 512 KB.

One text per pattern family, each built from the worst case of the patterns that once took
quadratic (or worse) time: "user:" repeated (user / password), "\u201cerror " repeated (a
quoted error), "a." repeated (a URL scheme), "eyJ-" repeated (a JSON web token), BEGIN PRIVATE
KEY lines without END, one long run of word characters, a heading followed by spaces, a code
fence followed by blank lines, "1," repeated (a number of users), many pasted passwords, and
an ordinary ticket repeated (the baseline).

The time is CPU time of this process (`time.process_time`; the machine is shared, so wall
time is not the code's), best of BENCH_TEXT_REPEATS (3), with the secret cache emptied before
each run. The measurement runs in a child process, so Django is set up only there.

Targets per family: mask + review of 512 KB within 1 s, and 512 KB / 64 KB at most 10x (linear
is 8x). The content checks read the first 64 KB of a text (tickets.review.base.REVIEW_LIMIT),
which hides how they would grow; so the review is also run with that limit lifted, and must
grow at most 10x from 64 to 512 KB there too. The calibration metric is the CPU time of
`sum(i*i for i in range(10_000_000))`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable

from bench.common import Metric, calibration, calibration_metric

REPEATS = int(os.environ.get("BENCH_TEXT_REPEATS", "3"))
SIZES_KB = (8, 64, 512)
LIMIT_SECONDS = 1.0
LIMIT_RATIO = 10.0

ORDINARY = (
    "Since the upgrade to 17.1 on Monday, every deploy job fails, blocking 30 developers.\n"
    "Steps to reproduce:\n1. Push to main\n2. Watch the deploy job\n"
    "Current behaviour: it fails with exit code 1.\nExpected behaviour: the job should pass.\n"
)


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def _after(head: str, fill: str) -> Callable[[int], str]:
    return lambda n: (head + fill * n)[:n]


FAMILIES: dict[str, Callable[[int], str]] = {
    "user / password": _repeat("user:"),
    "quoted error": _repeat("\u201cerror "),
    "URL password": lambda n: _repeat("a.")(n - 3) + "://",
    "JSON web token": _repeat("eyJ-"),
    "private key without END": _repeat("-----BEGIN PRIVATE KEY-----\n"),
    "long run of word characters": _repeat("a"),
    "heading and spaces": lambda n: _after("Steps to reproduce", " ")(n - 1) + "x",
    "code fence and blank lines": _after("```\n", "\n"),
    "number of users": _repeat("1,"),
    "many passwords": _repeat("password: Summer2024! "),
    "ordinary ticket": _repeat(ORDINARY),
}


def _cpu(fn: Callable[[], object], clear: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        clear()
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def measure() -> dict[str, dict[str, dict[str, float]]]:
    """In the child: {family: {"8": {"mask": s, "review": s, "review_uncapped": s}, ...}}."""
    import django

    django.setup()
    from tickets.review import TicketText, base, mask, review
    from tickets.review.secrets import _find_cached

    def review_uncapped(text: str) -> object:
        limit, base.REVIEW_LIMIT = base.REVIEW_LIMIT, 10**9
        try:
            return review(TicketText(subject="Pipeline fails", description=text))
        finally:
            base.REVIEW_LIMIT = limit

    out: dict[str, dict[str, dict[str, float]]] = {}
    for family, build in FAMILIES.items():
        out[family] = {}
        for kb in SIZES_KB:
            text = build(kb * 1024)
            masked = _cpu(lambda t=text: mask(t), _find_cached.cache_clear)
            reviewed = _cpu(
                lambda t=text: review(TicketText(subject="Pipeline fails", description=t)),
                _find_cached.cache_clear,
            )
            uncapped = _cpu(lambda t=text: review_uncapped(t), _find_cached.cache_clear)
            out[family][str(kb)] = {"mask": masked, "review": reviewed, "review_uncapped": uncapped}
    return out


def run() -> list[Metric]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csmportal.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:///:memory:"),
    }
    child = subprocess.run(
        [sys.executable, "-m", "bench.bench_review_text", "--child"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    measured = calibration()
    metrics = [calibration_metric({**measured, "python": sys.version.split()[0]})]
    for family, by_size in figures.items():
        total = {kb: v["mask"] + v["review"] for kb, v in by_size.items()}
        big, mid = total["512"], total["64"]
        ratio = big / mid if mid > 0 else float("inf")
        metrics.append(
            Metric(
                f"{family}: mask + review of 512 KB",
                big,
                "s",
                f"< {LIMIT_SECONDS:g} s",
                big < LIMIT_SECONDS,
                detail=by_size,
            )
        )
        metrics.append(
            Metric(f"{family}: 512 KB / 64 KB", ratio, "x", f"<= {LIMIT_RATIO:g}x", ratio <= LIMIT_RATIO)
        )
        lifted = by_size["512"]["review_uncapped"] / max(by_size["64"]["review_uncapped"], 1e-9)
        metrics.append(
            Metric(
                f"{family}: review without the 64 KB limit, 512 KB / 64 KB",
                lifted,
                "x",
                f"<= {LIMIT_RATIO:g}x",
                lifted <= LIMIT_RATIO,
            )
        )
    return metrics


if __name__ == "__main__" and "--child" in sys.argv:
    print(json.dumps(measure()))
