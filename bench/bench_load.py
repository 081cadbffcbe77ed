"""The portal under load: 50 people browsing for 60 s while the sync runs.

Processes: the sandbox (HTTPS; 100,000 tickets by default; the webhook installed through its API
by `zendesk_webhook install`), the portal under gunicorn (DEBUG off, production static files), the
Celery workers in the Procfile's layout (the ordinary worker under `nice -n 10`, one for the
urgent queue) and beat on Redis (the ticket and user streams every 10 s, the others every 30 s),
PostgreSQL, and locust headless
(bench/locustfile.py). The data comes the real way: `manage.py sync` from the sandbox, then
`manage.py tickets_review` (the best-practice scores the dashboards show). Every Salesforce
user gets a portal login as a CSM (so accounts have CSMs), plus support managers and support
ops; some bad ratings are forwarded as feedback and some correction requests filed, so the
managers' and support ops' queues have items.

While locust runs, a customer opens a ticket every second through the sandbox's API (the
webhook fetches it; beat's polling syncs it too), so pages are read while rows are written.

Each simulated person starts logged in (a session made as the login form makes it: 50 password
hashes at once would measure PBKDF2, not the pages); ten real logins through the form are timed
separately. Every gunicorn worker is warmed up (imports, template compilation) first, and the
tasks the setup queued (emails and tracker pushes of the feedback and requests it made) are done
before the clock starts.

Targets: 0 failed requests, p95 <= 300 ms over every request of the run.

Beside the latencies: the server CPU per request (the gunicorn workers' CPU time over the run,
from /proc/<pid>/stat, with what the master reaped from workers restarted meanwhile, divided by
the requests; the webhook's few requests are in the CPU time, not in the count) and the
calibration loop (`bench.common.CALIBRATION`, before and after the run): how fast this
machine's cores are, so runs on different machines can be compared.

Environment: BENCH_LOAD_TICKETS (100000), BENCH_LOAD_ACCOUNTS (400), BENCH_LOAD_USERS (50),
BENCH_LOAD_SECONDS (60), BENCH_LOAD_WEB_WORKERS (4), BENCH_LOAD_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/csm_bench_load; dropped and created),
BENCH_LOAD_REDIS_URL (redis://127.0.0.1:6379/9; flushed), BENCH_LOAD_AS_SLOW_AS (e.g. 0.7: the
portal's processes get the CPU capacity of a machine whose calibration loop takes that long, see
bench/cpu_cap.py; needs root), BENCH_LOAD_CAP_SERVICES=1 (PostgreSQL and Redis share that
capacity during the run). Results: bench/results/load.json, the
locust CSVs in bench/results/load_*.csv.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench import cpu_cap
from bench.common import RESULTS_DIR, Metric, calibration, calibration_metric, run_child

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_LOAD_TICKETS", "100000"))
ACCOUNTS = int(os.environ.get("BENCH_LOAD_ACCOUNTS", "400"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
WEB_WORKERS = int(os.environ.get("BENCH_LOAD_WEB_WORKERS", "4"))
# The capacity of a slower machine (bench/cpu_cap.py): the calibration time of the machine to
# act as, e.g. 0.7; and whether PostgreSQL and Redis share that capacity during the run.
AS_SLOW_AS = float(os.environ.get("BENCH_LOAD_AS_SLOW_AS", "0") or 0)
CAP_SERVICES = os.environ.get("BENCH_LOAD_CAP_SERVICES", "") == "1"
DATABASE_URL = os.environ.get("BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csm_bench_load")
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")
PASSWORD = "bench-load-pass-2026"
P95_TARGET_MS = 300.0


def run() -> list[Metric]:
    """Parent side: run the measurement in a child process and turn its JSON into metrics."""
    data = run_child("bench.bench_load")
    total = data["total"]
    detail = {k: data[k] for k in ("tickets", "accounts", "users", "seconds", "sync", "setup_seconds")}
    logins = data["logins"]
    cpu = data["server_cpu"]
    metrics = [
        calibration_metric(data["calibration"]),
        Metric(
            "server CPU per request (gunicorn workers' CPU time / requests)",
            cpu["per_request_ms"],
            "ms",
            detail=cpu,
        ),
        Metric("requests", total["requests"], "", detail=detail),
        Metric(
            "CPU capacity of the portal's processes (cores; the machine's own when not capped)",
            data["cap"]["cores"],
            "",
            detail=data["cap"],
        ),
        Metric("throughput", total["rps"], "req/s"),
        Metric("failed requests", total["failures"], "", "0", total["failures"] == 0, data["failures"]),
        Metric("p50 response time", total["p50"], "ms"),
        Metric(
            "p95 response time",
            total["p95"],
            "ms",
            f"<= {P95_TARGET_MS:g} ms",
            total["p95"] <= P95_TARGET_MS,
            {"per_page": data["pages"]},
        ),
        Metric("p99 response time", total["p99"], "ms"),
        Metric("tickets synced during the run", data["sync"]["tickets_during_run"], ""),
        Metric("login through the form (p50, one at a time)", logins["p50"], "ms", detail=logins),
    ]
    return metrics


# -- child side -------------------------------------------------------------------------------


def _stack(var_dir: Path, database_url: str = DATABASE_URL, redis_url: str = REDIS_URL):
    from bench import bench_notify as notify  # its process stack, pointed at this bench's services

    notify.DATABASE_URL = database_url
    notify.REDIS_URL = redis_url
    stack = notify.Stack(var_dir)
    stack.env.update(
        {
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SYNC_FAST_INTERVAL": "10",
            "SYNC_SLOW_INTERVAL": "30",
            # 50 people log in from one address within seconds; production keeps 30/m/ip.
            "LOGIN_RATE_LIMIT": "1000/m/ip",
            "LOGIN_FAILED_RATE_LIMIT": "1000/m/ip",
        }
    )
    return notify, stack


def _manage(stack, *args: str, timeout: float = 1800) -> None:
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=stack.env, check=True, timeout=timeout)
    print(f"  manage.py {' '.join(args)}: {time.monotonic() - started:.1f} s", flush=True)


def session_for(user: Any) -> str:
    """A logged-in session, as the login form leaves it (what Django's force_login writes)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def person(email: str) -> dict[str, Any]:
    from users.models import User

    return {"email": email, "session": session_for(User.objects.get(email=email))}


def prepare_people_and_items() -> dict[str, Any]:
    """Portal logins for every Salesforce user (CSMs), managers and ops; feedback and requests."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group
    from django.db import transaction

    from accounts.models import Account, Organization, SalesforceUser
    from feedback.models import Rating, Score
    from feedback.services import FeedbackError, feedback_forward_rating
    from integrations.runner import run_stream
    from supportops import services as ops_services
    from tickets.models import Ticket
    from users.models import User
    from users.roles import Role

    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role}
    for sf_user in SalesforceUser.objects.exclude(email=""):
        user, _ = User.objects.get_or_create(email=sf_user.email.lower(), defaults={"name": sf_user.name})
        # The CSM is matched by verified email only: the benchmark vouches for its people.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email.lower(), defaults={"primary": True, "verified": True}
        )
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(groups[Role.CSM])
    run_stream("salesforce.users", full=True, may_wait=True)  # accounts get their CSM
    for role, prefix, count in ((Role.SUPPORT_MANAGER, "manager", 5), (Role.SUPPORT_OPS, "ops", 5)):
        for i in range(count):
            user, _ = User.objects.get_or_create(
                email=f"{prefix}{i}@bench.example", defaults={"name": prefix}
            )
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(groups[role])

    csms = []
    for user in User.objects.filter(groups=groups[Role.CSM], csm_accounts__isnull=False).distinct():
        accounts = list(Account.objects.filter(csm=user).values_list("pk", flat=True)[:200])
        csms.append({"email": user.email, "accounts": accounts, "session": session_for(user)})

    feedback = []
    # The queue items are the first instance's: with a restricted second instance configured
    # (BENCH_INSTANCES=2) nobody measured is cleared for its rows, which answer 404.
    bad = Rating.objects.filter(score=Score.BAD, account__csm__isnull=False, zd_instance="global")
    for rating in bad.exclude(comment="")[:300]:
        try:
            with transaction.atomic():
                item, _ = feedback_forward_rating(rating=rating, forwarded_by=rating.account.csm)
        except FeedbackError:
            continue
        feedback.append(item.pk)

    requests = []
    orgs = Organization.objects.filter(account__csm__isnull=False, zd_instance="global").select_related(
        "account__csm"
    )[:120]
    for i, org in enumerate(orgs):
        try:
            item = ops_services.ops_request_open_correction(
                user=org.account.csm,
                organization=org,
                am_project_id=str(880000 + i),
                project_url=f"https://gitlab.com/customers/project-{i}",
            )
        except Exception:
            continue
        requests.append(item.pk)

    rng = random.Random(7)
    # The pages' addresses: /tickets/<n>/ is the global instance's ticket n.
    ticket_ids = list(Ticket.objects.filter(zd_instance="global").values_list("zd_id", flat=True))
    return {
        "password": PASSWORD,
        "users": {
            "csm": csms,
            "manager": [person(f"manager{i}@bench.example") for i in range(5)],
            "ops": [person(f"ops{i}@bench.example") for i in range(5)],
        },
        "accounts": list(Account.objects.values_list("pk", flat=True)),
        "tickets": rng.sample(ticket_ids, min(5000, len(ticket_ids))),
        "feedback": feedback,
        "requests": requests,
    }


def build_data(stack, notify, *, tickets: int, accounts: int) -> dict[str, Any]:
    """The benchmark's data, the real way: the sandbox (left running), `manage.py sync`,
    `manage.py tickets_review`, then people and queue items (`prepare_people_and_items`). Also
    used by the pages benchmark, so both measure the same data."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _manage(stack, "collectstatic", "--noinput", "-v", "0")
    stack.start(
        "sandbox",
        [
            sys.executable,
            "manage.py",
            "sandbox",
            "--port",
            str(stack.sandbox_port),
            "--accounts",
            str(accounts),
            "--tickets",
            str(tickets),
            "--quiet",
        ],
    )
    notify.wait_for_port(stack.sandbox_port, timeout=120)
    _manage(stack, "zendesk_webhook", "install", "--all")  # the webhook and trigger, through the API
    _manage(stack, "sync", "--no-progress", "--wait-for-source", "60")
    import redis

    redis.Redis.from_url(stack.env["REDIS_URL"]).flushdb()  # review tasks queued by the sync: done below
    _manage(stack, "tickets_review")
    return prepare_people_and_items()


def wait_for_setup_tasks(redis_url: str, timeout: float = 900) -> dict[str, float]:
    """The work the setup queued (the emails and tracker pushes of the feedback forwarded and the
    requests filed by `prepare_people_and_items`, several hundred tasks) done before the clock
    starts: the run measures people browsing beside the sync, not a backlog left by the setup.
    Returns how many tasks were waiting and how long they took."""
    import redis

    from csmportal.celery import app

    queues = redis.Redis.from_url(redis_url)
    started = time.monotonic()
    waiting = sum(queues.llen(name) for name in ("celery", "urgent"))
    while time.monotonic() - started < timeout:
        if sum(queues.llen(name) for name in ("celery", "urgent")) == 0:
            active = app.control.inspect(timeout=1.0).active() or {}
            if not any(active.values()):
                return {"tasks": waiting, "seconds": round(time.monotonic() - started, 1)}
        time.sleep(1)
    raise RuntimeError(f"the setup's {waiting} queued tasks were not done within {timeout:.0f} s")


def open_tickets_while_running(stack, stop: threading.Event, created: list[int]) -> None:
    """A customer opens a ticket every second through the sandbox's API (the trigger fires)."""
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.var_dir / "sandbox" / "ca.pem")
    session.auth = ("portal@example.com/token", "sandbox-zendesk-token")
    base = stack.env["SANDBOX_URL"]
    orgs = session.get(f"{base}/api/v2/organizations.json?per_page=100", timeout=10).json()["organizations"]
    i = 0
    while not stop.wait(1.0):
        org = orgs[i % len(orgs)]["id"]
        response = session.post(
            f"{base}/_sandbox/tickets",
            json={"org": org, "subject": f"Load test ticket {i}", "priority": "normal"},
            timeout=10,
        )
        if response.ok:
            created.append(int(response.json()["ticket"]["id"]))
        i += 1


def warm_up_and_time_logins(stack, plan: dict[str, Any]) -> dict[str, float]:
    """Each gunicorn worker imports the views and compiles the templates on first use: send every
    page a few times first. Then time real logins through the form, one after another."""
    import re

    import requests

    base = f"http://127.0.0.1:{stack.web_port}"
    warm = requests.Session()
    warm.trust_env = False
    warm.cookies.set("sessionid", plan["users"]["csm"][0]["session"])
    pages = [
        "/tickets/",
        "/accounts/",
        "/feedback/",
        "/feedback/ratings/",
        "/requests/",
        "/sync/",
        "/notifications/",
    ]
    pages += [f"/accounts/{plan['accounts'][0]}/", f"/tickets/{plan['tickets'][0]}/"]
    pages += [f"/contacts/account/{plan['accounts'][0]}/", f"/tickets/accounts/{plan['accounts'][0]}/review/"]
    for _ in range(WEB_WORKERS * 3):
        for path in pages:
            warm.get(base + path, timeout=60)
    times = []
    for who in plan["users"]["csm"][:10]:
        session = requests.Session()
        session.trust_env = False
        started = time.perf_counter()
        form = session.get(base + "/auth/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        for cookie in list(session.cookies):  # Secure cookies, plain HTTP on loopback
            session.cookies.set(cookie.name, cookie.value)
        answer = session.post(
            base + "/auth/login/",
            {
                "login": who["email"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"login failed for {who['email']}: {answer.status_code}")
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": round(statistics.median(times), 1), "max": round(max(times), 1), "count": len(times)}


def process_cpu_seconds(pid: int) -> tuple[float, float]:
    """(own, reaped children's) CPU time of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    # After the ")": state is field 3, so utime (14), stime (15), cutime (16), cstime (17) are 11-14.
    utime, stime, cutime, cstime = (int(v) / ticks for v in fields[11:15])
    return utime + stime, cutime + cstime


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def web_cpu_seconds(master: int) -> dict[int, float]:
    """CPU time of the gunicorn workers (by pid), plus what the master reaped from workers that
    already exited (max_requests restarts them), under the key 0."""
    cpu = {0: process_cpu_seconds(master)[1]}
    for pid in children(master):
        try:
            cpu[pid] = process_cpu_seconds(pid)[0]
        except OSError:
            continue  # exited meanwhile: its time shows in the master's reaped time
    return cpu


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and every descendant, living or reaped."""
    try:
        own, reaped = process_cpu_seconds(pid)
    except OSError:
        return 0.0
    return own + reaped + sum(tree_cpu_seconds(child) for child in children(pid))


def background_cpu(stack) -> float:
    """CPU time of the Celery workers and beat so far (what the web shares the cores with)."""
    return sum(tree_cpu_seconds(stack.procs[name].pid) for name in ("worker", "urgent", "beat"))


def cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two `web_cpu_seconds` readings (a worker started meanwhile counts whole)."""
    return sum(after.values()) - sum(v for pid, v in before.items() if pid == 0 or pid in after)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return round(ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo), 1)


def read_locust_csv(prefix: Path) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    pages: dict[str, Any] = {}
    total: dict[str, Any] = {}
    for row in rows:
        figures = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50": float(row["50%"] or 0),
            "p95": float(row["95%"] or 0),
            "p99": float(row["99%"] or 0),
            "max": float(row["Max Response Time"] or 0),
            "rps": round(float(row["Requests/s"] or 0), 1),
        }
        if row["Name"] == "Aggregated":
            total = figures
        else:
            pages[row["Name"]] = figures
    failures_path = Path(f"{prefix}_failures.csv")
    failures = list(csv.DictReader(open(failures_path))) if failures_path.exists() else []  # noqa: SIM115
    return total, pages, failures


def child(out_path: str) -> None:
    setup_started = time.monotonic()
    with ExitStack() as exits:
        var_dir = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        notify, stack = _stack(var_dir)
        exits.callback(stack.stop_all)
        os.environ.update(stack.env)
        notify.reset_services()
        bin_dir = Path(sys.executable).parent
        plan = build_data(stack, notify, tickets=TICKETS, accounts=ACCOUNTS)
        cap = (
            cpu_cap.cap_for(AS_SLOW_AS, calibration()["cpu_s"], f"bench-load-{os.getpid()}")
            if AS_SLOW_AS
            else None
        )
        wrap = cap.wrap if cap else (lambda args: args)
        if cap:
            exits.callback(cap.release)
        plan_path = var_dir / "plan.json"
        plan_path.write_text(json.dumps(plan))

        from tickets.models import Ticket

        tickets_before = Ticket.objects.count()
        notify.start_web(stack, bin_dir, workers=WEB_WORKERS, threads=2, wrap=wrap)
        # The production layout (the Procfile's): the ordinary worker under `nice -n 10`, one
        # dedicated to the urgent queue, and beat.
        workers = notify.start_workers(stack, bin_dir, "dedicated", wrap)
        beat = [str(bin_dir / "celery"), "-A", "csmportal", "beat", "--loglevel", "WARNING"]
        stack.start("beat", wrap([*beat, "--schedule", str(var_dir / "beat-schedule")]))
        notify.wait_for_worker(workers)
        drained = wait_for_setup_tasks(stack.env["REDIS_URL"])
        print(f"  the setup's {drained['tasks']} queued tasks done in {drained['seconds']} s", flush=True)
        logins = warm_up_and_time_logins(stack, plan)
        setup_seconds = round(time.monotonic() - setup_started, 1)
        calibrated = [calibration()]
        master = stack.procs["web"].pid
        if cap and CAP_SERVICES:
            for pid in cpu_cap.service_pids():
                cap.add(pid)
        throttled_before = cap.throttling() if cap else {}
        cpu_before = web_cpu_seconds(master)
        background_before = background_cpu(stack)

        stop = threading.Event()
        created: list[int] = []
        opener = threading.Thread(target=open_tickets_while_running, args=(stack, stop, created), daemon=True)
        opener.start()
        prefix = var_dir / "locust"
        samples_path = var_dir / "samples.json"
        locust_env = {**stack.env, "BENCH_LOAD_PLAN": str(plan_path), "BENCH_LOAD_SAMPLES": str(samples_path)}
        subprocess.run(
            [
                str(bin_dir / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                "10",
                "-t",
                f"{SECONDS}s",
                "--stop-timeout",
                "5",
                "--only-summary",
                "--csv",
                str(prefix),
                "--host",
                f"http://127.0.0.1:{stack.web_port}",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=locust_env,
            check=True,
            timeout=SECONDS + 120,
        )
        cpu_after = web_cpu_seconds(master)
        background = background_cpu(stack) - background_before
        throttled_after = cap.throttling() if cap else {}
        if cap:
            cap.release()  # PostgreSQL and Redis, if moved in, are whole again
        stop.set()
        opener.join(timeout=15)
        calibrated.append(calibration())
        time.sleep(3)
        synced = Ticket.objects.count() - tickets_before
        _, pages, failures = read_locust_csv(prefix)
        samples = json.loads(samples_path.read_text())
        times = [ms for _name, ms, _failed in samples]
        total = {
            "requests": len(samples),
            "failures": sum(1 for *_rest, failed in samples if failed),
            "rps": round(len(samples) / SECONDS, 1),
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "max": round(max(times, default=0.0), 1),
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("stats", "failures"):
            source = Path(f"{prefix}_{suffix}.csv")
            if source.exists():
                shutil.copy(source, RESULTS_DIR / f"load_{suffix}.csv")
        web_cpu = cpu_between(cpu_before, cpu_after)
        result: dict[str, Any] = {
            "calibration": {
                "cpu_s": min(c["cpu_s"] for c in calibrated),
                "wall_s": min(c["wall_s"] for c in calibrated),
                "runs": calibrated,
            },
            "server_cpu": {
                "seconds": round(web_cpu, 2),
                "per_request_ms": round(web_cpu * 1000 / max(len(samples), 1), 1),
                "workers": WEB_WORKERS,
                "background_cores": round(background / SECONDS, 3),
            },
            "cap": {
                "as_slow_as_s": AS_SLOW_AS or None,
                "cores": round(cap.cores, 2) if cap else os.cpu_count(),
                "inside": "gunicorn, Celery workers, beat"
                + (", PostgreSQL, Redis" if cap and CAP_SERVICES else "")
                if cap
                else "not capped",
                "throttling": {k: throttled_after[k] - throttled_before[k] for k in throttled_after},
            },
            "tickets": tickets_before,
            "accounts": len(plan["accounts"]),
            "users": USERS,
            "seconds": SECONDS,
            "setup_seconds": setup_seconds,
            "logins": logins,
            "sync": {"tickets_opened_during_run": len(created), "tickets_during_run": synced},
            "total": total,
            "pages": pages,
            "failures": failures[:20],
        }
        Path(out_path).write_text(json.dumps(result, indent=2))
        cpu, cal = result["server_cpu"], result["calibration"]
        print(
            f"\nserver CPU {cpu['seconds']} s over {len(samples)} requests:"
            f" {cpu['per_request_ms']} ms per request; the workers and beat used"
            f" {cpu['background_cores']} of a core; calibration {cal['cpu_s']} s CPU / {cal['wall_s']} s wall"
        )
        width = max(len(name) for name in pages) if pages else 10
        print(f"\n{'page':<{width}}  requests  fail   p50   p95   p99  (ms)")
        for name, f in sorted(pages.items()):
            figures = (
                f"{f['requests']:8}  {f['failures']:4}  {f['p50']:4.0f}  {f['p95']:4.0f}  {f['p99']:4.0f}"
            )
            print(f"{name:<{width}}  {figures}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    child(sys.argv[1])
