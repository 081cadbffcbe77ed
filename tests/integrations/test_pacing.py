"""Pacing to the source's budget, retries of transient failures, and what each HTTP answer means."""

import time

import pytest

from integrations import http as http_module
from integrations import zendesk as zendesk_client
from integrations.errors import PermanentError, RateLimited, TransientError
from integrations.models import RateWindow
from integrations.pacing import Budget, parse_budgets
from integrations.runner import run_stream
from integrations.zendesk import ZendeskClient


class Clock:
    def __init__(self):
        self.now = 1_000.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_budgets_are_parsed_and_bad_ones_refused():
    assert parse_budgets("incremental=10/60, default=700/60") == {
        "incremental": (10, 60.0),
        "default": (700, 60.0),
    }
    assert parse_budgets("") == {}
    with pytest.raises(ValueError):
        parse_budgets("incremental=ten/60")
    with pytest.raises(ValueError):
        parse_budgets("incremental=0/60")


@pytest.mark.django_db
def test_a_worker_is_told_how_long_to_wait_instead_of_sleeping():
    clock = Clock()
    budget = Budget("zendesk.incremental", 2, 10.0, may_wait=False, clock=clock, sleep=clock.sleep)
    budget.acquire()
    clock.now += 3
    budget.acquire()
    with pytest.raises(RateLimited) as raised:
        budget.acquire()
    assert raised.value.retry_after == pytest.approx(7.0, abs=0.05)  # the first slot frees at t+10
    assert clock.slept == []


@pytest.mark.django_db
def test_the_foreground_waits_exactly_until_a_slot_frees_and_stamps_slots_on_answer():
    clock = Clock()
    budget = Budget("zendesk.incremental", 2, 10.0, may_wait=True, clock=clock, sleep=clock.sleep)
    first = budget.acquire()
    clock.now += 1.5  # the answer arrives 1.5 s later: the source counted the request before that
    budget.release(first)
    budget.acquire()
    budget.acquire()
    assert clock.now == pytest.approx(1_011.5, abs=0.05)  # 10 s after the first *answer*, not its sending
    assert RateWindow.objects.get(key="zendesk.incremental").hits == [clock.now]  # older slots expired


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_paced_backfill_never_hits_the_sources_limit(make_sandbox, point_at, settings, monkeypatch):
    monkeypatch.setattr(zendesk_client, "EXPORT_PAGE", 10)
    handle = make_sandbox(tickets=80, rate_limit="incremental=3/1")
    point_at(handle)
    settings.ZENDESK_RATE_LIMIT = "incremental=3/1"
    started = time.monotonic()
    run = run_stream("zendesk.tickets", may_wait=True)
    elapsed = time.monotonic() - started
    assert run.pages == 8 and handle.state.stats()["rate_limited"] == {}
    assert elapsed >= 2.0  # 8 requests at 3 a second: the third window opens after 2 s


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_hitting_the_limit_is_rescheduled_with_its_progress_saved(
    make_sandbox, point_at, monkeypatch
):
    monkeypatch.setattr(zendesk_client, "EXPORT_PAGE", 10)
    handle = make_sandbox(tickets=80, rate_limit="incremental=3/30")
    point_at(handle)
    with pytest.raises(RateLimited) as raised:
        run_stream("zendesk.tickets", may_wait=False)
    assert 25 <= raised.value.retry_after <= 31
    from integrations.models import SyncRun

    assert SyncRun.objects.get().pages == 3  # kept: the task resumes from there


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_transient_failures_are_retried_and_persistent_ones_reported(synced, monkeypatch):
    monkeypatch.setattr(http_module, "backoff", lambda attempt, **kw: 0.01)
    client = ZendeskClient.from_settings()
    synced.state.faults.inject_next("503", count=1, path_prefix="/api/v2/users/me")
    synced.state.faults.inject_next("reset", count=1, path_prefix="/api/v2/users/me")
    synced.state.faults.inject_next("502", count=1, path_prefix="/api/v2/users/me")
    client.ping()
    assert client.http.retried == 3

    synced.state.faults.inject_next("500", count=10, path_prefix="/api/v2/users/me")
    with pytest.raises(TransientError, match="500"):
        client.ping()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bad_credentials_are_a_permanent_error_that_says_so(synced, settings):
    settings.ZENDESK_API_TOKEN = "wrong"
    with pytest.raises(PermanentError, match="credentials"):
        ZendeskClient.from_settings().ping()
    settings.SALESFORCE_CLIENT_SECRET = "wrong"
    from integrations.salesforce import SalesforceClient

    with pytest.raises(PermanentError, match="invalid"):
        SalesforceClient.from_settings().ping()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_zenpy_never_sleeps_on_a_429(synced):
    synced.state.faults.configure(retry_after=30)
    synced.state.faults.inject_next("429", count=1, path_prefix="/api/v2/tickets/")
    started = time.monotonic()
    with pytest.raises(RateLimited) as raised:
        ZendeskClient.from_settings().ticket(1)
    assert raised.value.retry_after == 30 and time.monotonic() - started < 5
