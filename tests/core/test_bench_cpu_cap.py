"""The load benchmark's slower-machine cap (bench/cpu_cap.py), on a stand-in cgroup folder: the
quota it writes, and that a command it starts joins the group before it runs."""

import subprocess

import pytest

from bench import cpu_cap


@pytest.fixture
def fake_v1(tmp_path, monkeypatch):
    root = tmp_path / "cpu"
    root.mkdir()
    (root / "cgroup.procs").write_text("")
    monkeypatch.setattr(cpu_cap, "V1_ROOT", root)
    monkeypatch.setattr(cpu_cap, "V2_ROOT", tmp_path / "no-v2")
    return root


def test_the_quota_gives_the_capacity_of_the_slower_machine(fake_v1, monkeypatch):
    monkeypatch.setattr(cpu_cap.os, "cpu_count", lambda: 2)
    cap = cpu_cap.cap_for(0.7, 0.45, "bench-test")
    assert cap is not None
    assert (fake_v1 / "bench-test" / "cpu.cfs_period_us").read_text() == "10000"
    assert (fake_v1 / "bench-test" / "cpu.cfs_quota_us").read_text() == str(int(0.45 / 0.7 * 2 * 10000))


def test_a_machine_as_slow_already_is_not_capped(fake_v1):
    assert cpu_cap.cap_for(0.7, 0.8, "bench-test") is None
    assert not (fake_v1 / "bench-test").exists()


def test_a_wrapped_command_joins_the_group_before_it_runs(fake_v1):
    cap = cpu_cap.CpuCap("bench-test", 1.0)
    (cap.path / "cgroup.procs").write_text("")
    out = subprocess.run(cap.wrap(["sh", "-c", "echo $$"]), capture_output=True, text=True, check=True)
    # The shell wrote its own pid, then became the command: the same process.
    assert (cap.path / "cgroup.procs").read_text().split() == [out.stdout.strip()]
