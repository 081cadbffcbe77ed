"""New-ticket work has a queue and a worker of its own, in every layout the project ships.

The settings route the urgent tasks to `urgent` and everything else to `celery`; the Procfile
(`make run`) gives `urgent` a worker that consumes nothing else, and no worker consumes both.
Then the Procfile's own worker commands run on the demo's embedded file-system broker: the
urgent worker emails a new ticket's CSM while a review task waits in `celery` untouched (no
backlog there can hold it), and the ordinary worker, started beside it, takes that one.
"""

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery, current_app
from django.conf import settings
from django.db import connection

import integrations.tasks  # noqa: F401 (registers the tasks whose routes are checked)
import notifications.tasks  # noqa: F401
import tickets.tasks  # noqa: F401
from notifications.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
URGENT_TASKS = [
    "integrations.fetch_ticket",
    "integrations.sync.zendesk.tickets",  # the poll: the safety net of a missed webhook
    "notifications.process_new_tickets",
    "notifications.send_email",
]
ORDINARY_TASKS = [
    "tickets.review_tickets",
    "tickets.review_comment_tickets",
    "integrations.sync.zendesk.comments",
    "integrations.sync.salesforce.accounts",
    "notifications.send_digests",
    "notifications.recheck_findings",
]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def celery_workers() -> dict[str, list[str]]:
    """Each Procfile process that runs a Celery worker -> its command (`nice ...` included)."""
    workers = {}
    for name, command in procfile().items():
        for part in command.split(";"):
            args = shlex.split(part)
            if args[:1] == ["exec"]:
                args = args[1:]
            if "celery" in args and "worker" in args:
                workers[name] = args
    return workers


def worker_option(args: list[str], flag: str) -> str:
    after = args[args.index("worker") + 1 :]
    return after[after.index(flag) + 1]


def niceness(args: list[str]) -> int:
    return int(args[2]) if args[:2] == ["nice", "-n"] else 0


def queues_of(args: list[str]) -> set[str]:
    args = args[args.index("worker") + 1 :]
    for i, arg in enumerate(args):
        if arg in ("-Q", "--queues"):
            return set(args[i + 1].split(","))
        if arg.startswith("--queues="):
            return set(arg.split("=", 1)[1].split(","))
    return {q.name for q in settings.CELERY_TASK_QUEUES}  # no -Q: every queue


def queue_of(task_name: str) -> str:
    return current_app.amqp.router.route({}, task_name)["queue"].name


def test_the_urgent_tasks_go_to_the_urgent_queue_and_everything_else_to_celery():
    assert {q.name for q in settings.CELERY_TASK_QUEUES} == {"celery", "urgent"}
    for name in URGENT_TASKS:
        assert name in current_app.tasks and queue_of(name) == "urgent", name
    for name in ORDINARY_TASKS:
        assert name in current_app.tasks and queue_of(name) == "celery", name
    # One task at a time per worker process, acknowledged after it ran.
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1 and settings.CELERY_TASK_ACKS_LATE


def test_the_procfile_gives_urgent_a_worker_of_its_own_and_every_queue_a_consumer():
    workers = celery_workers()
    consumed = {name: queues_of(args) for name, args in workers.items()}
    assert [name for name, queues in consumed.items() if "urgent" in queues] == ["urgent"]
    assert consumed["urgent"] == {"urgent"}
    assert set().union(*consumed.values()) == {q.name for q in settings.CELERY_TASK_QUEUES}
    nodes = [worker_option(args, "-n") for args in workers.values()]
    assert len(set(nodes)) == len(workers)  # two workers on one host need distinct names
    # On one machine the ordinary worker yields the CPU: a busy backfill never slows the urgent one.
    assert niceness(workers["worker"]) > niceness(workers["urgent"]) == 0


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    at = args.index("celery")
    return subprocess.Popen(
        [*args[:at], sys.executable, "-m", *args[at:]],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_procfiles_workers_share_the_embedded_broker_and_urgent_work_never_waits(new_ticket, tmp_path):
    ticket = new_ticket()
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL")}
    env.update(
        DJANGO_SETTINGS_MODULE="csmportal.settings",
        DEBUG="1",
        SECRET_KEY="test-only-" + "k" * 40,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        VAR_DIR=str(tmp_path),  # no REDIS_URL: the demo's file-system broker in VAR_DIR/celery
        EMAIL_URL="outbox://",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    folder = tmp_path / "celery" / "queue"
    sender = Celery(set_as_current=False)
    sender.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(tmp_path / "celery" / "control"),
            "store_processed": False,
        },
        task_queues=settings.CELERY_TASK_QUEUES,
        task_default_queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        task_routes=settings.CELERY_TASK_ROUTES,
    )
    folder.mkdir(parents=True)
    (tmp_path / "celery" / "control").mkdir()

    def waiting(queue: str) -> int:
        return sum(1 for f in folder.iterdir() if f.name.endswith(f".{queue}.msg"))

    workers = celery_workers()
    urgent = start(workers["urgent"], env, tmp_path / "urgent.log")
    ordinary = None
    try:
        sender.send_task("tickets.review_tickets", args=[[ticket.pk]])  # the backlog's kind of task
        sender.send_task("notifications.process_new_tickets", args=[[ticket.pk]])
        assert waiting("celery") == 1 and waiting("urgent") == 1

        # The rule and then its email (a second urgent task) run with the ordinary queue untouched.
        assert wait_for(lambda: OutboxMessage.objects.exists(), timeout=90), (
            tmp_path / "urgent.log"
        ).read_text()[-3000:]
        (message,) = OutboxMessage.objects.all()
        assert message.headers["X-CSM-Portal-Ticket"] == str(ticket.zd_id)
        assert waiting("celery") == 1 and waiting("urgent") == 0

        ordinary = start(workers["worker"], env, tmp_path / "worker.log")
        assert wait_for(lambda: waiting("celery") == 0, timeout=90), (tmp_path / "worker.log").read_text()[
            -3000:
        ]
        assert OutboxMessage.objects.count() == 1
    finally:
        stop(urgent)
        if ordinary is not None:
            stop(ordinary)
