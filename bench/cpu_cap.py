"""The capacity of a slower machine, on this one: a CPU cgroup with a CFS quota.

The load benchmark's target holds on a machine whose calibration loop (`bench.common.CALIBRATION`)
takes 0.7 s or more. On a faster machine, `BENCH_LOAD_AS_SLOW_AS=0.7` runs the portal's own
processes (gunicorn, the Celery workers, beat) in a cgroup allowed `calibration / 0.7` of each
core: the same work per second as the slower machine's cores can do. It caps capacity, not
per-core speed: a lone request still runs at this machine's speed, but requests queue as they
would there, and the quota's throttling adds stalls of up to one period.

Needs root and the cgroup `cpu` controller: v1 (`/sys/fs/cgroup/cpu`) or v2 (`cpu.max`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup/cpu")
V2_ROOT = Path("/sys/fs/cgroup")
PERIOD_US = 10_000  # short periods: a throttled group waits at most 10 ms for its next quota


class CapUnavailable(RuntimeError):
    pass


class CpuCap:
    """A cgroup allowed `cores` CPUs' worth of time per period; processes join it on start."""

    def __init__(self, name: str, cores: float) -> None:
        self.cores = cores
        quota = max(1000, int(cores * PERIOD_US))
        if (V2_ROOT / "cgroup.controllers").exists():
            if "cpu" not in (V2_ROOT / "cgroup.subtree_control").read_text().split():
                raise CapUnavailable("cgroup v2 without the cpu controller enabled for children")
            self.path = V2_ROOT / name
            self._make()
            (self.path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            self.parent_procs = V2_ROOT / "cgroup.procs"
        elif V1_ROOT.is_dir():
            self.path = V1_ROOT / name
            self._make()
            (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (self.path / "cpu.cfs_quota_us").write_text(str(quota))
            self.parent_procs = V1_ROOT / "cgroup.procs"
        else:
            raise CapUnavailable("no cgroup cpu controller on this machine")
        self.procs = self.path / "cgroup.procs"

    def _make(self) -> None:
        try:
            self.path.mkdir(exist_ok=True)
        except OSError as error:
            raise CapUnavailable(f"cannot create {self.path} ({error}); run as root") from error

    def wrap(self, args: list[str]) -> list[str]:
        """The command, started inside the cgroup: the shell joins it, then becomes the command,
        so every process the command forks is inside too."""
        return ["sh", "-c", f'echo $$ > {self.procs} && exec "$@"', "sh", *args]

    def add(self, pid: int) -> None:
        """Move a running process (all its threads) in; its later children are born inside."""
        self.procs.write_text(str(pid))

    def throttling(self) -> dict[str, float]:
        """How often the quota ran out, and for how long the group waited (cumulative)."""
        stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        waited_ns = int(stat.get("throttled_time", 0)) or int(stat.get("throttled_usec", 0)) * 1000
        return {
            "periods": int(stat.get("nr_periods", 0)),
            "throttled": int(stat.get("nr_throttled", 0)),
            "throttled_s": round(waited_ns / 1e9, 2),
        }

    def release(self) -> None:
        """Move whatever is still inside back to the parent group, then remove the cgroup."""
        if not self.path.exists():
            return
        for pid in self.procs.read_text().split():
            try:
                self.parent_procs.write_text(pid)
            except OSError:
                continue  # exited meanwhile
        with contextlib.suppress(OSError):  # a process still exiting: the group goes with it
            self.path.rmdir()


def service_pids(names: tuple[str, ...] = ("postgres", "redis-server")) -> list[int]:
    """The processes of the database and cache servers on this machine, by command name."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if comm in names or any(comm.startswith(f"{n}:") for n in names):
                pids.append(int(entry.name))
    return pids


def cap_for(slow_calibration_s: float, measured_calibration_s: float, name: str) -> CpuCap | None:
    """The cap that gives this machine the capacity of one whose calibration loop takes
    `slow_calibration_s`; None when this machine is that slow already."""
    share = measured_calibration_s / slow_calibration_s
    if share >= 1:
        return None
    return CpuCap(name, share * (os.cpu_count() or 1))
