"""New-ticket notification latency: from a ticket created in the sandbox (its API) to the email
handed to the mail backend, through the real stack.

Processes: the sandbox (HTTPS; its webhook and trigger installed through its API by
`manage.py zendesk_webhook install`, as in production), the portal under gunicorn, a Celery
worker and beat on Redis, PostgreSQL. The outbox mail backend stamps each email as the worker hands it over.

1. Webhook path: N tickets, one every 0.2 s; sandbox -> trigger -> signed webhook -> portal (202) ->
   worker fetches the ticket -> rule -> email. Target: p95 <= 5 s.
2. Webhooks off (the web server is stopped, so every delivery fails): only beat's polling of
   the ticket stream finds them. Target: p95 <= polling interval + 10 s.

Each ticket must produce exactly one email (to its account's CSM).

Environment: BENCH_NOTIFY_TICKETS (100), BENCH_NOTIFY_POLL_INTERVAL (seconds, 15),
BENCH_NOTIFY_DATABASE_URL (postgres://postgres@127.0.0.1:5432/csm_bench_notify; the database
is dropped and created), BENCH_NOTIFY_REDIS_URL (redis://127.0.0.1:6379/7; flushed).
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
from urllib.parse import urlsplit

from bench.common import Metric

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_NOTIFY_TICKETS", "100"))
POLL_INTERVAL = int(os.environ.get("BENCH_NOTIFY_POLL_INTERVAL", "15"))
DATABASE_URL = os.environ.get(
    "BENCH_NOTIFY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csm_bench_notify"
)
REDIS_URL = os.environ.get("BENCH_NOTIFY_REDIS_URL", "redis://127.0.0.1:6379/7")
WEBHOOK_TARGET_P95 = 5.0
SPACING_WEBHOOK = 0.2
SPACING_POLLING = 0.3


def run() -> list[Metric]:
    """Parent side: run the measurement in a child process and turn its JSON into metrics."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "notify.json"
        subprocess.run(
            [sys.executable, "-m", "bench.bench_notify", str(out)], cwd=ROOT, check=True, timeout=30 * 60
        )
        data = json.loads(out.read_text())
    metrics: list[Metric] = []
    for phase, target in (("webhook", WEBHOOK_TARGET_P95), ("polling", data["poll_interval"] + 10.0)):
        d = data[phase]
        detail = {k: d[k] for k in ("tickets", "emails", "missing", "duplicates", "max")}
        detail["poll_interval"] = data["poll_interval"]
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
    import psycopg
    import redis

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
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
                "600",
                "--quiet",
            ],
        )
        wait_for_port(stack.sandbox_port)
        # The webhook to SITE_URL/webhooks/zendesk/ and its trigger, through Zendesk's API.
        call_command("zendesk_webhook", "install")
        orgs = initial_sync()

        stack.start(
            "web",
            [
                str(bin_dir / "gunicorn"),
                "csmportal.wsgi",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--access-logfile",
                os.devnull,  # the production config logs every request; a benchmark would measure that
                "--workers",
                "2",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{stack.web_port}",
                "--log-level",
                "warning",
            ],
        )
        stack.start(
            "worker",
            [
                str(bin_dir / "celery"),
                "-A",
                "csmportal",
                "worker",
                "--loglevel",
                "WARNING",
                "--concurrency",
                "4",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
        )
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
        wait_for_port(stack.web_port)
        wait_for_worker()

        results: dict[str, Any] = {"poll_interval": POLL_INTERVAL}
        results["webhook"] = measure(stack, orgs, SPACING_WEBHOOK, timeout=60)
        stack.stop("web")  # webhooks off: every delivery now fails; only polling finds tickets
        results["polling"] = measure(stack, orgs, SPACING_POLLING, timeout=2 * POLL_INTERVAL + 60)
        Path(out_path).write_text(json.dumps(results, indent=2))
        print(json.dumps({k: v for k, v in results.items() if k != "poll_interval"}, indent=2))


def initial_sync() -> list[int]:
    """Mirror the sandbox, give every Salesforce user a portal login (so accounts have a CSM),
    and return the Zendesk ids of organizations whose account has one."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from accounts.models import Organization, SalesforceUser
    from integrations.runner import run_stream
    from integrations.streams import ORDER
    from users.models import User
    from users.roles import Role

    for spec in ORDER:
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
        Organization.objects.filter(account__csm__isnull=False)
        .order_by("zd_id")
        .values_list("zd_id", flat=True)
    )
    if not orgs:
        raise RuntimeError("no organization has an account with a CSM")
    return orgs


def wait_for_worker(timeout: float = 60.0) -> None:
    from csmportal.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise RuntimeError("the Celery worker did not answer")


def measure(stack: Stack, orgs: list[int], spacing: float, timeout: float) -> dict[str, Any]:
    import requests

    from notifications.models import OutboxMessage

    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.var_dir / "sandbox" / "ca.pem")
    session.auth = ("portal@example.com/token", "sandbox-zendesk-token")
    base = stack.env["SANDBOX_URL"]
    since = max(OutboxMessage.objects.values_list("id", flat=True), default=0)
    created: dict[int, float] = {}
    for i in range(TICKETS):
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
