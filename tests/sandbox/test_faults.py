"""Injected faults and rate limits look like Zendesk's and Salesforce's."""

import time

import pytest
import requests
from simple_salesforce.exceptions import SalesforceGeneralError
from zenpy.lib.exception import APIException, RatelimitBudgetExceeded

from sandbox.config import parse_rate_limit
from tests.sandbox.conftest import salesforce_for, zenpy_for

EXPORT = "/api/v2/incremental/tickets/cursor.json"


def test_injected_429_carries_retry_after(sandbox, zd):
    sandbox.state.faults.inject_next("429", count=1, path_prefix="/api/v2/incremental/")
    response = zd.get(f"{sandbox.url}{EXPORT}", params={"start_time": 0})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["error"] == "APIRateLimitExceeded"
    assert zd.get(f"{sandbox.url}{EXPORT}", params={"start_time": 0}).status_code == 200


def test_zenpy_waits_out_a_429_within_its_budget(sandbox, monkeypatch):
    client = zenpy_for(sandbox, monkeypatch)
    sandbox.state.faults.inject_next("429", count=1, path_prefix="/api/v2/tickets/")
    assert client.tickets(id=1).id == 1  # zenpy slept Retry-After (1 s) and retried
    client.tickets.ratelimit_budget = 0  # a bounded client gives up instead of sleeping
    sandbox.state.faults.inject_next("429", count=1, path_prefix="/api/v2/tickets/")
    with pytest.raises(RatelimitBudgetExceeded):
        client.tickets(id=2)


@pytest.mark.parametrize("kind", ["500", "502", "503", "504"])
def test_server_errors(sandbox, zd, kind):
    sandbox.state.faults.inject_next(kind, path_prefix="/api/v2/")
    response = zd.get(f"{sandbox.url}/api/v2/tickets/1.json")
    assert response.status_code == int(kind)
    if kind in ("502", "504"):
        assert response.headers["Content-Type"].startswith("text/html")  # from the load balancer
    if kind == "503":
        assert response.headers["Retry-After"]


def test_connection_reset(sandbox, zd):
    sandbox.state.faults.inject_next("reset", path_prefix="/api/v2/")
    with pytest.raises(requests.ConnectionError):
        zd.get(f"{sandbox.url}/api/v2/tickets/1.json")
    assert zd.get(f"{sandbox.url}/api/v2/tickets/1.json").status_code == 200


def test_slow_answer(sandbox, zd):
    sandbox.state.faults.configure(slow_seconds=0.3)
    sandbox.state.faults.inject_next("slow", path_prefix="/api/v2/")
    response = zd.get(f"{sandbox.url}/api/v2/tickets/1.json")
    assert response.status_code == 200 and response.elapsed.total_seconds() >= 0.3
    with pytest.raises(requests.Timeout):
        sandbox.state.faults.inject_next("slow", path_prefix="/api/v2/")
        zd.get(f"{sandbox.url}/api/v2/tickets/1.json", timeout=0.1)


def test_fault_rate_hits_about_that_share(make_sandbox):
    handle = make_sandbox(faults=0.5, fault_kinds=("500",))
    session = handle.zendesk_session()
    codes = [session.get(f"{handle.url}/api/v2/tickets/1.json").status_code for _ in range(80)]
    assert 20 < codes.count(500) < 60 and codes.count(200) == 80 - codes.count(500)


def test_salesforce_faults_have_salesforce_bodies(sandbox):
    sf = salesforce_for(sandbox)
    sandbox.state.faults.inject_next("500", path_prefix="/services/data/")
    with pytest.raises(SalesforceGeneralError) as failure:
        sf.query("SELECT Id FROM User")
    assert failure.value.content[0]["errorCode"] == "UNKNOWN_EXCEPTION"


def test_incremental_budget_gives_429_with_retry_after(make_sandbox):
    handle = make_sandbox(rate_limit=parse_rate_limit("incremental=2/30"))
    session = handle.zendesk_session()
    url = f"{handle.url}{EXPORT}?start_time=0"
    assert [session.get(url).status_code for _ in range(2)] == [200, 200]
    limited = session.get(url)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 30
    assert limited.json() == {
        "error": "APIRateLimitExceeded",
        "description": "Number of allowed API requests per minute exceeded",
    }
    assert session.get(f"{handle.url}/api/v2/tickets/1.json").status_code == 200  # other budget


def test_budget_window_can_be_scaled_down(make_sandbox):
    handle = make_sandbox(rate_limit=parse_rate_limit("default=1/0.2"))
    session = handle.zendesk_session()
    url = f"{handle.url}/api/v2/tickets/1.json"
    assert session.get(url).status_code == 200
    assert session.get(url).status_code == 429
    time.sleep(0.25)
    assert session.get(url).status_code == 200


def test_rate_limit_spec_parsing():
    assert parse_rate_limit("default=700/60") == {"default": (700, 60.0), "incremental": (10, 60.0)}
    assert parse_rate_limit("incremental=30/60,salesforce=5/1") == {
        "incremental": (30, 60.0),
        "salesforce": (5, 1.0),
    }
    assert parse_rate_limit("") == {}
    for bad in ("bogus=1/1", "default=x/1", "default=0/60", "default"):
        with pytest.raises(ValueError):
            parse_rate_limit(bad)


def test_control_endpoints_need_credentials(sandbox, zd):
    anonymous = sandbox.session()
    assert anonymous.post(f"{sandbox.url}/_sandbox/faults", json={"rate": 1}).status_code == 401
    assert zd.post(f"{sandbox.url}/_sandbox/faults", json={"rate": 0.25}).json()["rate"] == 0.25
    assert zd.post(f"{sandbox.url}/_sandbox/faults", json={"rate": 3}).status_code == 400
    limits = zd.post(f"{sandbox.url}/_sandbox/rate-limit", json={"spec": "default=5/60"}).json()
    assert limits["rate_limit"]["default"] == [5, 60.0]
    stats = zd.get(f"{sandbox.url}/_sandbox/stats").json()
    assert stats["tickets"] == 120 and stats["faults_rate"] == 0.25


def test_zenpy_sees_api_exception_on_500(sandbox, monkeypatch):
    client = zenpy_for(sandbox, monkeypatch)
    sandbox.state.faults.inject_next("500", path_prefix="/api/v2/")
    with pytest.raises(APIException):
        client.tickets(id=1)
