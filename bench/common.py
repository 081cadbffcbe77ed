"""Shared helpers of the benchmarks."""

import time
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"
CALIBRATION = "sum(i*i for i in range(10_000_000))"


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


def calibration_seconds() -> float:
    """CPU time of a fixed piece of pure Python (`CALIBRATION`): how fast this machine was at the
    time of a run, so figures from different machines and loads can be compared."""
    started = time.process_time()
    sum(i * i for i in range(10_000_000))
    return round(time.process_time() - started, 3)


def calibration_metric(seconds: float | None = None) -> Metric:
    value = calibration_seconds() if seconds is None else seconds
    return Metric(f"calibration: CPU time of {CALIBRATION}", value, "s")
