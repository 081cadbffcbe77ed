"""A sync killed with SIGKILL in the middle of a backfill loses nothing, and the rerun completes
with no duplicates: once as ``manage.py sync`` and once as a real Celery worker (Redis broker).
And the killed run's stream is taken over within seconds: the short lease runs out, and the
poll that found the stream busy looks again then."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from integrations import locks
from integrations.models import RunStatus, SyncRun, SyncState
from integrations.runner import StreamBusy, run_stream
from tickets.models import Ticket

from .conftest import actual_mirror, expected_tickets

# One xdist worker runs them all: the Celery tests share one Redis broker database (each empties
# it first), and a worker of one test must never take the other's task.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("redis-broker"),
]
ROOT = Path(__file__).resolve().parents[2]
STREAM = "zendesk.tickets"
LEASE = 3


def env_for(handle, **extra) -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        SANDBOX="1",
        SANDBOX_URL=handle.url,
        SALESFORCE_LOGIN_URL=handle.url,
        VAR_DIR=str(handle.config.var_dir),
        SYNC_LOCK_SECONDS=str(LEASE),
        ZENDESK_RATE_LIMIT="",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def wait_for(condition, timeout=60.0, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def pages_done() -> int:
    run = SyncRun.objects.filter(stream=STREAM).order_by("-started_at").first()
    return run.pages if run else 0


def assert_nothing_lost_at_the_kill(total_pages_seen: int) -> None:
    """Every committed page is complete and matched by the saved cursor; the dead run's lock is
    still held (until its lease runs out)."""
    run = SyncRun.objects.get(stream=STREAM)
    state = SyncState.objects.get(stream=STREAM)
    assert run.status == RunStatus.RUNNING and run.pages >= total_pages_seen
    assert state.cursor == run.cursor_end != ""
    assert Ticket.objects.count() == run.fetched == run.created + run.deleted == run.pages * 1000
    with pytest.raises(StreamBusy):
        run_stream(STREAM)


def assert_rerun_completes(handle) -> None:
    assert wait_for(lambda: not locks.holder_alive(STREAM), timeout=LEASE + 5)  # the dead run's lease ends
    run = run_stream(STREAM)
    assert run.status == RunStatus.SUCCEEDED
    assert SyncRun.objects.filter(stream=STREAM, status=RunStatus.ABANDONED).count() == 1
    assert (
        Ticket.objects.count() == Ticket.objects.values("zd_id").distinct().count() == handle.config.tickets
    )
    assert actual_mirror()["tickets"] == expected_tickets(handle)


@pytest.fixture
def slow_backfill(make_sandbox, point_at, settings):
    handle = make_sandbox(tickets=6_000)
    handle.state.faults.configure(rate=1.0, kinds=["slow"], slow_seconds=0.3)  # every page takes a while
    point_at(handle)
    settings.SYNC_LOCK_SECONDS = LEASE
    return handle


def test_a_killed_sync_command_loses_nothing_and_the_rerun_completes(slow_backfill):
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "sync", "--stream", STREAM, "--no-progress"],
        cwd=ROOT,
        env=env_for(slow_backfill, DJANGO_SETTINGS_MODULE="tests.settings"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_for(lambda: pages_done() >= 3 or proc.poll() is not None), "no pages committed"
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    slow_backfill.state.faults.configure(rate=0.0)
    assert_nothing_lost_at_the_kill(3)
    assert_rerun_completes(slow_backfill)


@pytest.mark.redis
def test_a_killed_celery_worker_loses_nothing_and_the_next_run_completes(slow_backfill):
    from celery import Celery

    broker = settings.TEST_REDIS_URL
    env = env_for(
        slow_backfill,
        DJANGO_SETTINGS_MODULE="csmportal.settings",
        DEBUG="1",
        SECRET_KEY="test-only-" + "k" * 40,
        REDIS_URL=broker,
        CELERY_BROKER_URL=broker,
    )
    sender = Celery(broker=broker, set_as_current=False)  # never the current app of later tests
    sender.connection_for_write().default_channel.client.flushdb()

    def start_worker():
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "csmportal",
                "worker",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )

    worker = start_worker()
    try:
        sender.send_task(f"integrations.sync.{STREAM}", kwargs={"trigger": "test"})
        assert wait_for(lambda: pages_done() >= 3 or worker.poll() is not None), "no pages committed"
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    slow_backfill.state.faults.configure(rate=0.0)
    assert_nothing_lost_at_the_kill(3)

    # Beat sends the task again; once the dead worker's lease has run out a new worker completes it.
    time.sleep(LEASE + 0.5)
    worker = start_worker()
    try:
        sender.send_task(f"integrations.sync.{STREAM}", kwargs={"trigger": "test"})
        assert wait_for(
            lambda: SyncRun.objects.filter(stream=STREAM, status=RunStatus.SUCCEEDED).exists(), timeout=120
        ), worker.stderr.read1().decode()[-2000:] if worker.poll() is not None else "the rerun did not finish"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
    assert SyncRun.objects.filter(stream=STREAM, status=RunStatus.ABANDONED).count() == 1
    assert (
        Ticket.objects.count()
        == Ticket.objects.values("zd_id").distinct().count()
        == slow_backfill.config.tickets
    )
    assert actual_mirror()["tickets"] == expected_tickets(slow_backfill)


@pytest.mark.redis
def test_a_killed_syncs_stream_is_taken_over_within_seconds_by_the_task_that_found_it_busy(slow_backfill):
    """Beat's poll arrives while a killed backfill's lease still runs: the task finds the stream
    busy, looks again as soon as the lease has run out, and carries the backfill on. Polling
    stops for the length of the short lease, not until beat's next tick after a long one."""
    from celery import Celery

    lease = 6  # long enough that the poll surely arrives while the dead run's lease still runs
    broker = settings.TEST_REDIS_URL
    env = env_for(
        slow_backfill,
        DJANGO_SETTINGS_MODULE="csmportal.settings",
        DEBUG="1",
        SECRET_KEY="test-only-" + "k" * 40,
        REDIS_URL=broker,
        CELERY_BROKER_URL=broker,
        SYNC_LOCK_SECONDS=str(lease),
    )
    sender = Celery(broker=broker, set_as_current=False)
    sender.connection_for_write().default_channel.client.flushdb()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "csmportal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    command = subprocess.Popen(
        [sys.executable, "manage.py", "sync", "--stream", STREAM, "--no-progress"],
        cwd=ROOT,
        env=env_for(slow_backfill, DJANGO_SETTINGS_MODULE="tests.settings", SYNC_LOCK_SECONDS=str(lease)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_for(lambda: sender.control.ping(timeout=0.5), timeout=60), "the worker did not start"
        assert wait_for(lambda: pages_done() >= 3 or command.poll() is not None), "no pages committed"
        assert command.poll() is None, command.stderr.read().decode()[-2000:]
        os.kill(command.pid, signal.SIGKILL)
        command.wait(timeout=10)
        killed_at = time.time()
        slow_backfill.state.faults.configure(rate=0.0)
        assert locks.holder_alive(STREAM)  # the dead run's lease still runs

        sender.send_task(f"integrations.sync.{STREAM}", kwargs={"trigger": "beat"})  # beat's tick, once
        assert wait_for(
            lambda: SyncRun.objects.filter(stream=STREAM, trigger="beat").exists(), timeout=lease + 10
        )
        taken_over = SyncRun.objects.get(stream=STREAM, trigger="beat")
        assert taken_over.started_at.timestamp() - killed_at <= lease + 5
        assert wait_for(
            lambda: SyncRun.objects.filter(stream=STREAM, status=RunStatus.SUCCEEDED).exists(), timeout=120
        ), "the takeover did not finish"
    finally:
        if command.poll() is None:
            command.kill()
            command.wait(timeout=10)
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
    assert SyncRun.objects.filter(stream=STREAM, status=RunStatus.ABANDONED).count() == 1
    assert (
        Ticket.objects.count()
        == Ticket.objects.values("zd_id").distinct().count()
        == slow_backfill.config.tickets
    )
    assert actual_mirror()["tickets"] == expected_tickets(slow_backfill)
