"""The sandbox answers with the keys and value types of the vendors' documented examples."""

import json
from pathlib import Path

import pytest

from sandbox.webhooks import ticket_created_event

VENDOR = Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
# Objects whose keys are the account's own (custom fields), not the API's.
FREE_FORM = {"organization_fields", "user_fields", "metadata", "source", "system", "photo"}


def load(name: str):
    return json.loads((VENDOR / name).read_text())


def kind(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def assert_same_shape(documented, actual, path: str = "$") -> None:
    """Every documented key exists with the same JSON type (null matches anything)."""
    if documented is None or actual is None:
        return
    assert kind(documented) == kind(actual), f"{path}: documented {kind(documented)}, sandbox {kind(actual)}"
    if isinstance(documented, dict):
        for key, value in documented.items():
            assert key in actual, f"{path}.{key} is missing"
            if key not in FREE_FORM:
                assert_same_shape(value, actual[key], f"{path}.{key}")
    elif isinstance(documented, list) and documented and actual:
        assert_same_shape(documented[0], actual[0], f"{path}[0]")


@pytest.mark.parametrize(
    ("fixture", "path", "params"),
    [
        (
            "zendesk/incremental_users_cursor.json",
            "/api/v2/incremental/users/cursor.json",
            {"start_time": 0, "per_page": 5},
        ),
        (
            "zendesk/incremental_organizations.json",
            "/api/v2/incremental/organizations.json",
            {"start_time": 0, "per_page": 3},
        ),
        (
            "zendesk/ticket_events_comment_events.json",
            "/api/v2/incremental/ticket_events.json",
            {"start_time": 0, "include": "comment_events"},
        ),
        ("zendesk/organizations_cursor.json", "/api/v2/organizations.json", {"page[size]": 2}),
        ("zendesk/ticket_comments.json", "/api/v2/tickets/5/comments.json", {}),
        ("zendesk/satisfaction_ratings.json", "/api/v2/satisfaction_ratings.json", {}),
    ],
)
def test_zendesk_payloads_match_the_documented_examples(sandbox, zd, fixture, path, params):
    body = zd.get(f"{sandbox.url}{path}", params=params).json()
    assert_same_shape(load(fixture), body)


def test_ticket_export_matches(sandbox, zd):
    body = zd.get(f"{sandbox.url}/api/v2/incremental/tickets/cursor.json", params={"start_time": 0}).json()
    # Unrated tickets have only {"score": "unoffered"}, as on Zendesk: compare a rated one.
    body["tickets"].sort(key=lambda t: "id" not in t["satisfaction_rating"])
    assert "id" in body["tickets"][0]["satisfaction_rating"]
    assert_same_shape(load("zendesk/incremental_tickets_cursor.json"), body)


def test_ticket_fields_match(sandbox, zd):
    fields = zd.get(f"{sandbox.url}/api/v2/ticket_fields.json").json()
    tagger = [f for f in fields["ticket_fields"] if f["type"] == "tagger"]
    assert_same_shape(load("zendesk/ticket_fields.json"), {**fields, "ticket_fields": tagger})


def test_an_active_sla_matches(sandbox, zd):
    user = next(u for u in sandbox.state.world.users if u["role"] == "end-user")
    ticket, _ = sandbox.state.create_ticket(
        {"subject": "x", "priority": "low", "requester_id": user["id"]}, {"body": "y"}
    )
    body = zd.get(f"{sandbox.url}/api/v2/tickets/{ticket['id']}.json", params={"include": "slas"}).json()
    assert_same_shape(load("zendesk/ticket_slas.json"), body)


def test_triggers_match(sandbox, zd):
    sandbox.install_webhook("https://portal.example.com/webhooks/zendesk/")
    actual = zd.get(f"{sandbox.url}/api/v2/triggers.json").json()
    assert_same_shape(load("zendesk/triggers.json"), actual)


def test_webhook_event_matches(sandbox):
    user = next(u for u in sandbox.state.world.users if u["role"] == "end-user")
    ticket, _ = sandbox.state.create_ticket(
        {
            "subject": "x",
            "priority": "low",
            "type": "task",
            "requester_id": user["id"],
            "assignee_id": sandbox.state.world.agents[1],
        },
        {"body": "y"},
    )
    assert_same_shape(load("zendesk/webhook_ticket_created.json"), ticket_created_event(ticket))


def test_error_bodies_match(sandbox):
    anonymous = sandbox.session()
    assert_same_shape(
        load("zendesk/error_401.json"), anonymous.get(f"{sandbox.url}/api/v2/tickets/1.json").json()
    )
    bad = anonymous.post(
        f"{sandbox.url}/services/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "sandbox-client", "client_secret": "x"},
    )
    assert bad.json() == load("salesforce/oauth_error.json")


def test_salesforce_payloads_match(make_sandbox):
    handle = make_sandbox(sf_page_size=2)
    session = handle.session()
    token = handle.salesforce_token(session)
    assert_same_shape(load("salesforce/oauth_token.json"), token)
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    base = f"{handle.url}/services/data/v59.0"
    page = session.get(
        f"{base}/query/", params={"q": "SELECT Id, Name, SystemModstamp FROM Account"}, headers=auth
    )
    assert_same_shape(load("salesforce/query_more.json"), page.json())
    created = session.post(f"{base}/sobjects/Account/", json={"Name": "Shape Co"}, headers=auth)
    assert created.status_code == 201
    assert_same_shape(load("salesforce/create_response.json"), created.json())
    malformed = session.get(
        f"{base}/query/", params={"q": "SELECT Id FROM Account WHERE Name = 'x' OR"}, headers=auth
    )
    assert malformed.status_code == 400
    assert_same_shape(load("salesforce/error_malformed_query.json"), malformed.json())
    expired = session.get(
        f"{base}/query/", params={"q": "SELECT Id FROM Account"}, headers={"Authorization": "Bearer x"}
    )
    assert expired.status_code == 401
    assert expired.json() == load("salesforce/error_invalid_session.json")
