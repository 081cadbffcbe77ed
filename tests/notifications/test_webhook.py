"""POST /webhooks/zendesk/: signed deliveries enqueue "fetch ticket N"; anything else enqueues nothing."""

import datetime as dt
import json
import time

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from integrations.webhooks import FETCH_TASK, signature_for
from sandbox.ids import iso_z
from sandbox.webhooks import sign as sandbox_sign
from sandbox.webhooks import ticket_created_event

# Transactional: the fetch is enqueued on commit, as in production (no request-wide transaction).
pytestmark = pytest.mark.django_db(transaction=True)
URL = "/webhooks/zendesk/"
SECRET = "sandbox-webhook-secret"  # the test settings run with SANDBOX on


def sandbox_ticket(ticket_id: int = 4711) -> dict:
    """A ticket as the sandbox's API has it (the webhook event is built from it)."""
    return {
        "id": ticket_id,
        "created_at": "2026-03-02T13:05:00Z",
        "updated_at": "2026-03-02T13:05:00Z",
        "submitter_id": 361020000000001,
        "requester_id": 361020000000001,
        "assignee_id": None,
        "brand_id": 360001846211,
        "custom_status_id": 1,
        "description": "Runner is down",
        "external_id": None,
        "ticket_form_id": 360000611712,
        "group_id": None,
        "is_public": True,
        "organization_id": 360010000000001,
        "priority": "high",
        "status": "new",
        "subject": "Runner",
        "tags": [],
        "type": "incident",
        "via": {"channel": "web"},
    }


def deliver(client, body, *, secret=SECRET, timestamp=None, signature=None, headers=True):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = timestamp if timestamp is not None else iso_z(time.time())
    extra = {}
    if headers:
        extra = {
            "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE": signature
            if signature is not None
            else sandbox_sign(secret, timestamp, raw),
            "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP": timestamp,
        }
    return client.post(URL, data=raw, content_type="application/json", **extra)


@pytest.fixture
def anon():
    return Client(enforce_csrf_checks=True)  # Zendesk has no session and no CSRF token


def test_it_accepts_the_sandboxs_ticket_created_event_and_enqueues_the_fetch(anon, published):
    response = deliver(anon, ticket_created_event(sandbox_ticket(4711)))
    assert response.status_code == 202
    assert response.json() == {"status": "queued", "ticket_id": 4711}
    assert published == [(FETCH_TASK, (4711,))]


@pytest.mark.parametrize("body", [{"ticket_id": "4712"}, {"ticket_id": 4712}, {"ticket": {"id": "4712"}}])
def test_it_accepts_a_trigger_style_body(anon, published, body):
    assert deliver(anon, body).status_code == 202
    assert published == [(FETCH_TASK, (4712,))]


def zendesk_ids(invocation: str) -> dict[str, str]:
    return {"HTTP_X_ZENDESK_WEBHOOK_ID": "01HWEBHOOK", "HTTP_X_ZENDESK_WEBHOOK_INVOCATION_ID": invocation}


def test_a_replayed_delivery_is_answered_200_and_enqueues_nothing(anon, published):
    raw = json.dumps(ticket_created_event(sandbox_ticket(4711))).encode()
    timestamp = iso_z(time.time())
    headers = {
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE": sandbox_sign(SECRET, timestamp, raw),
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP": timestamp,
    }
    answers = [anon.post(URL, data=raw, content_type="application/json", **headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [202, 200, 200]
    assert answers[1].json() == {"status": "duplicate", "ticket_id": 4711}
    assert published == [(FETCH_TASK, (4711,))]


def test_zendesks_repeat_of_an_invocation_is_recognised_by_its_ids(anon, published):
    """Zendesk signs a repeat afresh (new timestamp, new signature) but keeps its ids."""
    event = ticket_created_event(sandbox_ticket(4711))
    raw = json.dumps(event).encode()
    codes = []
    for timestamp, invocation in [
        (iso_z(time.time()), "inv-1"),
        (iso_z(time.time() + 7), "inv-1"),  # the same invocation, signed again
        (iso_z(time.time() + 7), "inv-2"),  # a new invocation about the same ticket
    ]:
        response = anon.post(
            URL,
            data=raw,
            content_type="application/json",
            HTTP_X_ZENDESK_WEBHOOK_SIGNATURE=sandbox_sign(SECRET, timestamp, raw),
            HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP=timestamp,
            **zendesk_ids(invocation),
        )
        codes.append(response.status_code)
    assert codes == [202, 200, 202]
    assert published == [(FETCH_TASK, (4711,))] * 2


def test_seen_deliveries_are_forgotten_after_the_window(anon, published):
    from integrations.models import WebhookDelivery
    from integrations.webhooks import SEEN_FOR

    assert deliver(anon, {"ticket_id": 9}, **{}).status_code == 202
    WebhookDelivery.objects.update(received_at=timezone.now() - SEEN_FOR - dt.timedelta(seconds=1))
    assert deliver(anon, {"ticket_id": 10}).status_code == 202
    assert WebhookDelivery.objects.count() == 1  # the old row was pruned by the new delivery


def test_a_delivery_that_could_not_be_queued_can_be_delivered_again(anon, published, monkeypatch):
    raw = json.dumps({"ticket_id": 11}).encode()
    timestamp = iso_z(time.time())
    headers = {
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE": sandbox_sign(SECRET, timestamp, raw),
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP": timestamp,
    }

    def broker_down(ticket_id, instance="global"):
        raise ConnectionError("broker down")

    monkeypatch.setattr("integrations.webhooks.enqueue_fetch", broker_down)
    assert anon.post(URL, data=raw, content_type="application/json", **headers).status_code == 503
    monkeypatch.undo()
    assert anon.post(URL, data=raw, content_type="application/json", **headers).status_code == 202
    assert published == [(FETCH_TASK, (11,))]


@pytest.mark.parametrize("offset", [-280, 280])
def test_it_accepts_a_clock_a_little_off_either_way(anon, published, offset):
    assert deliver(anon, {"ticket_id": 8}, timestamp=iso_z(time.time() + offset)).status_code == 202


def test_it_accepts_unix_seconds_as_the_timestamp(anon, published):
    assert deliver(anon, {"ticket_id": 5}, timestamp=str(int(time.time()))).status_code == 202


def test_our_signature_helper_matches_zendesks_scheme():
    assert signature_for(SECRET, "2026-03-02T13:05:00Z", b"{}") == sandbox_sign(
        SECRET, "2026-03-02T13:05:00Z", b"{}"
    )


@pytest.mark.parametrize(
    "case",
    [
        "no headers",
        "no signature",
        "no timestamp",
        "wrong secret",
        "tampered body",
        "not base64",
        "signed other ts",
    ],
)
def test_it_rejects_bad_or_missing_signatures_with_401_and_enqueues_nothing(anon, published, case):
    event = ticket_created_event(sandbox_ticket())
    raw = json.dumps(event).encode()
    now = iso_z(time.time())
    good = sandbox_sign(SECRET, now, raw)
    if case == "no headers":
        response = deliver(anon, raw, headers=False)
    elif case == "no signature":
        response = anon.post(
            URL, raw, content_type="application/json", HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP=now
        )
    elif case == "no timestamp":
        response = anon.post(URL, raw, content_type="application/json", HTTP_X_ZENDESK_WEBHOOK_SIGNATURE=good)
    elif case == "wrong secret":
        response = deliver(anon, raw, secret="guessed-secret")
    elif case == "tampered body":
        response = deliver(anon, raw.replace(b"4711", b"4712"), signature=good, timestamp=now)
    elif case == "not base64":
        response = deliver(anon, raw, signature="%%%not-base64%%%", timestamp=now)
    else:  # a signature replayed with another timestamp
        response = deliver(anon, raw, signature=good, timestamp=iso_z(time.time() - 1))
    assert response.status_code == 401
    assert published == []


@pytest.mark.parametrize("offset", [-310, -3600, 310])
def test_it_rejects_a_stale_or_future_timestamp_with_400_and_enqueues_nothing(anon, published, offset):
    response = deliver(anon, {"ticket_id": 7}, timestamp=iso_z(time.time() + offset))
    assert response.status_code == 400
    assert "timestamp" in response.json()["error"]
    assert published == []


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'"4711"',
        b"{}",
        b'{"ticket_id": "abc"}',
        b'{"ticket_id": 0}',
        b'{"ticket_id": true}',
        b'{"type": "zen:event-type:ticket.created", "detail": {}}',
        b'{"ticket_id": 99999999999999999999999}',
        b"\xff\xfe",
    ],
)
def test_it_rejects_a_malformed_body_with_400_and_enqueues_nothing(anon, published, raw):
    response = deliver(anon, raw)
    assert response.status_code == 400
    assert published == []


def test_it_rejects_an_unreadable_timestamp_with_400(anon, published):
    assert deliver(anon, {"ticket_id": 7}, timestamp="yesterday").status_code == 400
    assert published == []


def test_it_acknowledges_events_that_are_not_about_tickets(anon, published):
    response = deliver(anon, {"type": "zen:event-type:user.created", "detail": {"id": "12"}})
    assert response.status_code == 200 and response.json() == {"status": "ignored"}
    assert published == []


def test_it_refuses_everything_when_no_secret_is_configured(anon, published, settings):
    settings.ZENDESK_WEBHOOK_SECRET = ""
    assert deliver(anon, {"ticket_id": 7}, secret="").status_code == 401
    assert published == []


def test_it_only_takes_post(anon, published):
    assert anon.get(URL).status_code == 405
    assert published == []


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
        ),
        max_leaves=12,
    )
    | st.fixed_dictionaries({"ticket_id": st.integers() | st.text(max_size=8) | st.none()})
    | st.fixed_dictionaries(
        {
            "type": st.sampled_from(["zen:event-type:ticket.created", "zen:event-type:user.created"]),
            "detail": st.dictionaries(
                st.sampled_from(["id", "x"]), st.integers() | st.text(max_size=8), max_size=2
            ),
        }
    )
)
def test_any_signed_json_gets_a_clear_answer_never_a_server_error(anon, published, body):
    published.clear()
    response = deliver(anon, body)
    assert response.status_code in (200, 202, 400)
    if response.status_code == 202:
        assert published == [(FETCH_TASK, (response.json()["ticket_id"],))]
    else:
        assert published == []
