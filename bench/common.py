"""Shared helpers of the benchmarks."""

import time
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"


@dataclass
class Metric:
    name: str
    value: float
    unit: str = ""
    target: str = ""  # human-readable, e.g. ">= 5000 tickets/s"
    ok: bool | None = None  # None: informational
    detail: dict | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def calibration() -> float:
    """CPU seconds this machine takes for `sum(i*i for i in range(10_000_000))`: a fixed piece
    of pure Python, reported beside timings so figures from different machines compare."""
    started = time.process_time()
    sum(i * i for i in range(10_000_000))
    return time.process_time() - started
