"""Shared helpers of the benchmarks."""

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
