"""Shared helpers of the benchmarks."""

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).parent / "results"
CALIBRATION = "sum(i*i for i in range(10_000_000))"
# BENCH_INSTANCES=2: every benchmark runs with a second, restricted Zendesk instance configured
# (the demo's "US Government"), its data synced or generated beside the first, and the people
# measured not cleared for it, so each page pays for the access rule.
INSTANCES = int(os.environ.get("BENCH_INSTANCES", "1"))
SECOND_INSTANCE = "usgov"


def instance_env() -> dict[str, str]:
    """The environment that configures the benchmark's instances (nothing for one)."""
    if INSTANCES < 2:
        return {}
    return {
        "ZENDESK_INSTANCES": f"global,{SECOND_INSTANCE}",
        "ZENDESK_USGOV_NAME": "US Government",
        "ZENDESK_USGOV_SUBDOMAIN": "example-usgov",
        "ZENDESK_USGOV_RESTRICTED": "true",
    }


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


def calibration() -> dict[str, float]:
    """A fixed piece of pure Python (`CALIBRATION`), timed: its CPU time says how fast this
    machine's cores are, its wall time how much of one the run got (a loaded machine: wall >
    CPU). Figures from different machines and loads can then be compared."""
    cpu, wall = time.process_time(), time.perf_counter()
    sum(i * i for i in range(10_000_000))
    return {"cpu_s": round(time.process_time() - cpu, 3), "wall_s": round(time.perf_counter() - wall, 3)}


def calibration_metric(measured: dict[str, float] | None = None) -> Metric:
    measured = measured or calibration()
    return Metric(f"calibration: CPU time of {CALIBRATION}", measured["cpu_s"], "s", detail=measured)


def run_child(module: str, timeout: float = 60 * 60) -> dict:
    """Run `python -m <module> <out.json>` from the project's root (a process of its own: its
    own settings and database) and read the JSON it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        subprocess.run([sys.executable, "-m", module, str(out)], cwd=ROOT, check=True, timeout=timeout)
        return json.loads(out.read_text())


def recreate_database(database_url: str) -> None:
    """Drop the benchmark's PostgreSQL database (its own, named in the URL) and create it empty."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
