"""New-ticket notification latency: from a ticket created in the sandbox (its API) to the email
handed to the mail backend, through the real stack.

Processes: the sandbox (HTTPS; its webhook and trigger installed through its API by
`manage.py zendesk_webhook install`, as in production), the portal under gunicorn, Celery on
Redis in the production layout (a worker for the `celery` queue and one dedicated to `urgent`,
as in the Procfile; BENCH_NOTIFY_LAYOUT=shared runs one worker for both instead), beat,
PostgreSQL. The outbox mail backend stamps each email as the worker hands it over.

The phases, in the order they run:

1. Webhook path, the sync quiet: N tickets, one every 0.2 s; sandbox -> trigger -> signed
   webhook -> portal (202) -> the urgent worker fetches the ticket -> rule -> email.
   Target: p95 <= 5 s.
2. Webhook path while the sync is busy: the portal has mirrored everything but the tickets (and
   what hangs on them); their first backfill (`manage.py sync --full`, started again whenever it
   ends, at the ordinary worker's CPU priority) runs beside the measurement, queueing the
   review of every ticket it writes. M tickets, one every 0.5 s. Target: p95 <= 1 s.
3. Polling right after a killed sync: the web server is stopped (every delivery fails), the
   backfill is killed (SIGKILL) while it holds the ticket stream's lock, and the tickets are
   created at once: only beat's polling finds them, once the dead run's lease has run out and
   the ticket stream's next run has read to the end of the source. Target: p95 <= polling
   interval + 10 s.
4. Webhooks off, the sync quiet: only polling. Target: p95 <= polling interval + 10 s.

Each ticket must produce exactly one email (to its account's CSM). The output also gives the
calibration (CPU time of `sum(i*i for i in range(10_000_000))`) measured in the same run.

Environment: BENCH_NOTIFY_TICKETS (100, phases 1, 3, 4), BENCH_NOTIFY_BACKFILL_NEW (60, phase 2),
BENCH_NOTIFY_BACKFILL_TICKETS (tickets in the sandbox, 30000), BENCH_NOTIFY_POLL_INTERVAL
(seconds, 15), BENCH_NOTIFY_LAYOUT (`dedicated` or `shared`), BENCH_NOTIFY_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/csm_bench_notify; the database is dropped and created),
BENCH_NOTIFY_REDIS_URL (redis://127.0.0.1:6379/7; flushed).
The measurement runs in a child process (`python -m bench.bench_notify`) with its own settings.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.common import Metric, calibration, calibration_metric, instance_env, recreate_database

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_NOTIFY_TICKETS", "100"))
BACKFILL_NEW = int(os.environ.get("BENCH_NOTIFY_BACKFILL_NEW", "60"))
BACKFILL_TICKETS = int(os.environ.get("BENCH_NOTIFY_BACKFILL_TICKETS", "30000"))
LAYOUT = os.environ.get("BENCH_NOTIFY_LAYOUT", "dedicated")
POLL_INTERVAL = int(os.environ.get("BENCH_NOTIFY_POLL_INTERVAL", "15"))
DATABASE_URL = os.environ.get(
    "BENCH_NOTIFY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csm_bench_notify"
)
REDIS_URL = os.environ.get("BENCH_NOTIFY_REDIS_URL", "redis://127.0.0.1:6379/7")
WEBHOOK_TARGET_P95 = 5.0
BACKFILL_TARGET_P95 = 1.0
SPACING_WEBHOOK = 0.2
SPACING_BACKFILL = 0.5
SPACING_POLLING = 0.3
# Left to the benchmark's backfill: the tickets and the streams with a row or more per ticket.
BACKFILLED = {"zendesk.tickets", "zendesk.comments", "zendesk.ratings", "salesforce.cases"}
WORKER_FLAGS = ["--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"]


def run() -> list[Metric]:
    """Parent side: run the measurement in a child process and turn its JSON into metrics."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "notify.json"
        subprocess.run(
            [sys.executable, "-m", "bench.bench_notify", str(out)], cwd=ROOT, check=True, timeout=30 * 60
        )
        data = json.loads(out.read_text())
    metrics: list[Metric] = [calibration_metric(data["calibration"])]
    polling_target = data["poll_interval"] + 10.0
    phases = (
        ("webhook", WEBHOOK_TARGET_P95),
        ("webhook during a backfill", BACKFILL_TARGET_P95),
        ("polling after a killed sync", polling_target),
        ("polling", polling_target),
    )
    for phase, target in phases:
        d = data[phase]
        detail = {k: d[k] for k in ("tickets", "emails", "missing", "duplicates", "max")}
        detail.update(poll_interval=data["poll_interval"], layout=data["layout"], **d.get("extra", {}))
        metrics += [
            Metric(f"{phase}: p50 ticket -> email", d["p50"], "s", detail=detail),
            Metric(
                f"{phase}: p95 ticket -> email", d["p95"], "s", f"<= {target:g} s", d["p95"] <= target, detail
            ),
            Metric(
                f"{phase}: tickets without exactly one email",
                d["missing"] + d["duplicates"],
                "",
                "0",
                d["missing"] + d["duplicates"] == 0,
            ),
        ]
    return metrics


# -- child side -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def reset_services() -> None:
    import redis

    recreate_database(DATABASE_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()


class Stack:
    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.sandbox_port = free_port()
        self.web_port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL")},
            "DJANGO_SETTINGS_MODULE": "csmportal.settings",
            "DEBUG": "true",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "SANDBOX": "true",
            "SANDBOX_URL": f"https://127.0.0.1:{self.sandbox_port}",
            "VAR_DIR": str(var_dir),
            "EMAIL_URL": "outbox://",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "SYNC_FAST_INTERVAL": str(POLL_INTERVAL),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **instance_env(),
        }
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.var_dir / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)


@contextmanager
def stack_running(var_dir: Path):
    stack = Stack(var_dir)
    try:
        yield stack
    finally:
        stack.stop_all()


def start_web(
    stack: Stack, bin_dir: Path, workers: int = 2, threads: int = 4, wrap=lambda args: args
) -> None:
    """gunicorn with the production config, not logging each request. `wrap` may prefix the
    command (the load benchmark's CPU cap)."""
    stack.start(
        "web",
        wrap(
            [
                str(bin_dir / "gunicorn"),
                "csmportal.wsgi",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--access-logfile",
                os.devnull,  # the production config logs every request; a benchmark would measure that
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{stack.web_port}",
                "--log-level",
                "warning",
            ]
        ),
    )
    wait_for_port(stack.web_port)


def child(out_path: str) -> None:
    with ExitStack() as exits:
        var_dir = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="bench-notify-")))
        stack = exits.enter_context(stack_running(var_dir))
        os.environ.update(stack.env)
        reset_services()
        bin_dir = Path(sys.executable).parent
        python = sys.executable

        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        stack.start(
            "sandbox",
            [
                python,
                "manage.py",
                "sandbox",
                "--port",
                str(stack.sandbox_port),
                "--accounts",
                "30",
                "--tickets",
                str(BACKFILL_TICKETS),
                "--quiet",
            ],
        )
        wait_for_port(stack.sandbox_port, timeout=600)
        # The webhook to SITE_URL/webhooks/zendesk/ and its trigger, through Zendesk's API.
        call_command("zendesk_webhook", "install", "--all")
        orgs = initial_sync()  # everything but the tickets and what hangs on them: the backfill's part

        start_web(stack, bin_dir)
        wait_for_worker(start_workers(stack, bin_dir, LAYOUT))

        results: dict[str, Any] = {"poll_interval": POLL_INTERVAL, "layout": LAYOUT}
        results["calibration"] = calibration()
        # 1. The sync quiet (the ticket mirror holds only what the webhooks bring).
        results["webhook"] = measure(stack, orgs, TICKETS, SPACING_WEBHOOK, timeout=60)

        # 2. The first backfill of the tickets, started again whenever it ends, beside the webhooks.
        # The backfill runs at the ordinary worker's priority (where beat's syncs run).
        backfill_nice = 0 if LAYOUT == "shared" else 10
        loop = f"while :; do {python} manage.py sync --full --no-progress; done"
        backfill = stack.start("backfill", ["nice", "-n", str(backfill_nice), "sh", "-c", loop])
        assert wait_for(lambda: ticket_pages() >= 1, timeout=300), "the backfill wrote no page"
        during = measure(stack, orgs, BACKFILL_NEW, SPACING_BACKFILL, timeout=60)
        during["extra"] = {"backfill_tickets": BACKFILL_TICKETS, "tickets_in_portal_after": ticket_count()}
        results["webhook during a backfill"] = during

        # 3. Beat (not before: its first poll would have been the backfill), webhooks off (every
        # delivery now fails; only polling finds tickets), then the backfill killed while it
        # holds the ticket stream's lock; the tickets are created at once.
        stack.start(
            "beat",
            [
                str(bin_dir / "celery"),
                "-A",
                "csmportal",
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(var_dir / "beat-schedule"),
            ],
        )
        stack.stop("web")
        assert wait_for(ticket_stream_running, timeout=900), "the backfill never held the ticket stream"
        os.killpg(backfill.pid, signal.SIGKILL)
        backfill.wait(timeout=10)
        stack.procs.pop("backfill", None)
        killed_at = time.time()
        after_kill = measure(stack, orgs, TICKETS, SPACING_POLLING, timeout=2 * POLL_INTERVAL + 120)
        after_kill["extra"] = ticket_runs_since(killed_at)
        results["polling after a killed sync"] = after_kill

        # 4. The sync quiet, webhooks off.
        results["polling"] = measure(stack, orgs, TICKETS, SPACING_POLLING, timeout=2 * POLL_INTERVAL + 60)
        results["calibration_end"] = calibration()
        Path(out_path).write_text(json.dumps(results, indent=2))
        print(json.dumps({k: v for k, v in results.items() if k != "poll_interval"}, indent=2))


def wait_for(condition, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def ticket_count() -> int:
    from tickets.models import Ticket

    return Ticket.objects.count()


def ticket_pages() -> int:
    from integrations.models import RunStatus, SyncRun

    run = (
        SyncRun.objects.filter(stream="zendesk.tickets", status=RunStatus.RUNNING)
        .order_by("-started_at")
        .first()
    )
    return run.pages if run else 0


def ticket_stream_running() -> bool:
    """The backfill command (not a poll of beat's) holds the ticket stream and has saved a page."""
    from integrations.models import RunStatus, SyncRun

    run = (
        SyncRun.objects.filter(stream="zendesk.tickets", status=RunStatus.RUNNING)
        .order_by("-started_at")
        .first()
    )
    return run is not None and run.trigger == "command" and run.pages >= 1


def ticket_runs_since(killed_at: float) -> dict[str, Any]:
    """The ticket stream's runs after the kill: when the first started (the takeover) and each
    run's trigger, start (seconds after the kill), status and pages."""
    from integrations.models import SyncRun

    runs = SyncRun.objects.filter(stream="zendesk.tickets").order_by("started_at")
    after = [r for r in runs if r.started_at.timestamp() >= killed_at]
    return {
        "taken_over_after_s": round(after[0].started_at.timestamp() - killed_at, 2) if after else None,
        "runs_after_kill": [
            [r.trigger, round(r.started_at.timestamp() - killed_at, 2), r.status, r.pages] for r in after
        ],
    }


def initial_sync() -> list[int]:
    """Mirror the sandbox but its tickets (the backfill's), give every Salesforce user a portal
    login (so accounts have a CSM), and return the Zendesk ids of organizations whose account
    has one."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from accounts.models import Organization, SalesforceUser
    from integrations.runner import run_stream
    from integrations.streams import ORDER
    from users.models import User
    from users.roles import Role

    for spec in ORDER:
        if spec.name not in BACKFILLED:
            run_stream(spec.name, may_wait=True)
    group, _ = Group.objects.get_or_create(name=Role.CSM)
    for sf_user in SalesforceUser.objects.exclude(email=""):
        user, _ = User.objects.get_or_create(email=sf_user.email, defaults={"name": sf_user.name})
        # The CSM is matched by verified email only: the benchmark vouches for its people.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email.lower(), defaults={"primary": True, "verified": True}
        )
        user.groups.add(group)
    run_stream("salesforce.users", full=True, may_wait=True)
    orgs = list(
        Organization.objects.filter(account__csm__isnull=False, zd_instance="global")
        .order_by("zd_id")
        .values_list("zd_id", flat=True)
    )
    if not orgs:
        raise RuntimeError("no organization has an account with a CSM")
    return orgs


def start_workers(stack: Stack, bin_dir: Path, layout: str, wrap=lambda args: args) -> int:
    """The Celery workers; returns how many. The production layout is the Procfile's (the
    ordinary worker under `nice -n 10`, so on one machine the urgent worker comes first), with
    the README's production concurrency; "shared" is one worker for both queues (what the
    benchmark ran before). `wrap` may prefix each command (the load benchmark's CPU cap)."""
    # name -> (CPU priority, worker options)
    if layout == "shared":
        workers = {"worker": (0, ["--concurrency", "4"])}
    else:
        workers = {
            "worker": (10, ["-Q", "celery", "--concurrency", "2"]),
            "urgent": (0, ["-Q", "urgent", "--concurrency", "2"]),
        }
    for name, (nice, args) in workers.items():
        celery = [str(bin_dir / "celery"), "-A", "csmportal", "worker", "-n", f"{name}@%h", *args]
        stack.start(name, wrap(["nice", "-n", str(nice), *celery, *WORKER_FLAGS]))
    return len(workers)


def wait_for_worker(count: int, timeout: float = 60.0) -> None:
    from csmportal.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=1.0)) >= count:
            return
    raise RuntimeError("the Celery workers did not answer")


def measure(stack: Stack, orgs: list[int], tickets: int, spacing: float, timeout: float) -> dict[str, Any]:
    import requests

    from notifications.models import OutboxMessage

    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.var_dir / "sandbox" / "ca.pem")
    session.auth = ("portal@example.com/token", "sandbox-zendesk-token")
    base = stack.env["SANDBOX_URL"]
    since = max(OutboxMessage.objects.values_list("id", flat=True), default=0)
    created: dict[int, float] = {}
    for i in range(tickets):
        started = time.time()
        response = session.post(
            f"{base}/_sandbox/tickets",
            json={"org": orgs[i % len(orgs)], "subject": f"Benchmark ticket {i}", "priority": "high"},
            timeout=10,
        )
        response.raise_for_status()
        created[int(response.json()["ticket"]["id"])] = started
        time.sleep(max(0.0, spacing - (time.time() - started)))

    def emails() -> dict[int, list[float]]:
        found: dict[int, list[float]] = {}
        for msg in OutboxMessage.objects.filter(id__gt=since).only("headers", "created_at"):
            ticket = int(msg.headers.get("X-CSM-Portal-Ticket") or 0)
            if ticket in created:
                found.setdefault(ticket, []).append(msg.created_at.timestamp())
        return found

    deadline = time.time() + timeout
    seen = emails()
    while len(seen) < len(created) and time.time() < deadline:
        time.sleep(0.25)
        seen = emails()
    time.sleep(3)  # a duplicate would show up now
    seen = emails()
    latencies = [min(stamps) - created[t] for t, stamps in seen.items()]
    return {
        "tickets": len(created),
        "emails": sum(len(s) for s in seen.values()),
        "missing": len(created) - len(seen),
        "duplicates": sum(len(s) - 1 for s in seen.values()),
        "p50": round(percentile(latencies, 0.5), 3),
        "p95": round(percentile(latencies, 0.95), 3),
        "max": round(max(latencies, default=float("nan")), 3),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    child(sys.argv[1])
