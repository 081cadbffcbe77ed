"""Locust users for `python -m bench load`: CSMs, support managers and support ops browsing the
portal the way they do in a working day.

The plan (who is logged in, which objects exist) comes from the JSON file named by
BENCH_LOAD_PLAN, written by bench/bench_load.py after the sync, with a session per person.
Each simulated person browses with a think time of 1-3 s; the bell is polled like the page
does (every 10 s). Every request's time is written to BENCH_LOAD_SAMPLES at the end, so the
driver computes exact percentiles over all of them.

Run by bench/bench_load.py as:
    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s --reset-stats --csv PREFIX --host URL
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115 (read once at import)
_people = {role: itertools.cycle(PLAN["users"][role]) for role in PLAN["users"]}
_samples: list[tuple[str, float, bool]] = []
_lock = threading.Lock()


@events.request.add_listener
def _record(name, response_time, exception, response=None, **_kwargs) -> None:
    failed = exception is not None or (response is not None and response.status_code >= 400)
    with _lock:
        _samples.append((name, float(response_time), failed))


class PortalUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # Logged in already: bench_load.py made each person's session (as the login form does);
        # real logins are timed separately, so 50 password hashes at once don't skew the pages.
        self.person = next(_people[self.role])
        self.client.cookies.set("sessionid", self.person["session"])
        self.next_bell = 0.0

    def get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/auth/login/" in response.url:
                response.failure("sent to the login page")
        if time.monotonic() >= self.next_bell:  # the bell in the top bar polls every 10 s
            self.next_bell = time.monotonic() + 10
            self.client.get("/notifications/bell/", name="bell (htmx)", headers={"HX-Request": "true"})

    # Shared pages
    def account_page(self) -> None:
        account = random.choice(self.person.get("accounts") or PLAN["accounts"])
        self.get(f"/accounts/{account}/", "account page")

    def ticket_page(self) -> None:
        self.get(f"/tickets/{random.choice(PLAN['tickets'])}/", "ticket page")


class Csm(PortalUser):
    role = "csm"
    weight = 6

    @task(6)
    def dashboard(self) -> None:
        self.get("/tickets/", "tickets dashboard (mine)")

    @task(2)
    def dashboard_filtered(self) -> None:
        query = random.choice(
            ["status=open", "sla=breached", "sort=score", "q=pipeline", "priority=urgent&status=open"]
        )
        self.get(f"/tickets/?{query}", "tickets dashboard (filtered)")

    @task(2)
    def dashboard_htmx(self) -> None:
        self.client.get(
            "/tickets/?page=2", name="tickets dashboard (htmx page 2)", headers={"HX-Request": "true"}
        )

    @task(5)
    def ticket(self) -> None:
        self.ticket_page()

    @task(3)
    def portfolio(self) -> None:
        self.get("/accounts/", "accounts (portfolio)")

    @task(4)
    def account(self) -> None:
        self.account_page()

    @task(1)
    def contacts(self) -> None:
        account = random.choice(self.person.get("accounts") or PLAN["accounts"])
        self.get(f"/contacts/account/{account}/", "contacts page")

    @task(1)
    def review(self) -> None:
        account = random.choice(self.person.get("accounts") or PLAN["accounts"])
        self.get(f"/tickets/accounts/{account}/review/", "account review")

    @task(2)
    def feedback(self) -> None:
        self.get("/feedback/", "feedback (mine)")

    @task(1)
    def ratings(self) -> None:
        self.get("/feedback/ratings/", "ratings")

    @task(1)
    def notifications(self) -> None:
        self.get("/notifications/", "notifications")


class SupportManager(PortalUser):
    role = "manager"
    weight = 2

    @task(5)
    def queue(self) -> None:
        self.get("/feedback/", "feedback queue")

    @task(3)
    def item(self) -> None:
        if PLAN["feedback"]:
            self.get(f"/feedback/{random.choice(PLAN['feedback'])}/", "feedback item")

    @task(2)
    def ratings(self) -> None:
        self.get("/feedback/ratings/?period=365", "ratings")

    @task(2)
    def tickets(self) -> None:
        self.get("/tickets/", "tickets dashboard (any CSM)")

    @task(2)
    def ticket(self) -> None:
        self.ticket_page()

    @task(1)
    def account(self) -> None:
        self.account_page()


class SupportOps(PortalUser):
    role = "ops"
    weight = 2

    @task(5)
    def queue(self) -> None:
        self.get("/requests/", "requests queue")

    @task(2)
    def request(self) -> None:
        if PLAN["requests"]:
            self.get(f"/requests/{random.choice(PLAN['requests'])}/", "request page")

    @task(2)
    def sync(self) -> None:
        self.get("/sync/", "sync page")

    @task(2)
    def portfolio(self) -> None:
        self.get("/accounts/", "accounts (portfolio)")

    @task(2)
    def account(self) -> None:
        self.account_page()


@events.quitting.add_listener
def _write_samples(environment, **_kwargs) -> None:
    """Every request's time for bench_load.py, which judges the figures (exit status 0 here)."""
    with open(os.environ["BENCH_LOAD_SAMPLES"], "w") as out:
        json.dump(_samples, out)
    environment.process_exit_code = 0
