"""Deliveries of webhooks installed through the sandbox's API, signed the way Zendesk signs.

Nothing is delivered until a webhook (and, for trigger webhooks, a trigger) exists, as on
Zendesk. The API endpoints themselves are tested in test_zd_webhooks_api.py.
"""

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from zenpy.lib.api_objects import Comment, Ticket

from tests.sandbox.conftest import zenpy_for


class Receiver:
    """A tiny local webhook endpoint that records what it gets (optionally failing first)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.fail_first = fail_first
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(500)
                else:
                    receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    receiver.arrived.set()
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/zendesk/webhook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def verify(headers: dict, body: bytes, secret: str) -> bool:
    timestamp = headers["x-zendesk-webhook-signature-timestamp"]
    expected = base64.b64encode(hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest())
    return hmac.compare_digest(expected.decode(), headers["x-zendesk-webhook-signature"])


def new_ticket(client, handle) -> int:
    user = next(u for u in handle.state.world.users if u["role"] == "end-user")
    audit = client.tickets.create(
        Ticket(
            subject="Pipelines stuck",
            comment=Comment(body="Since 9:00."),
            priority="high",
            requester_id=user["id"],
        )
    )
    return audit.ticket.id


def test_nothing_is_delivered_without_an_installed_webhook(sandbox, receiver, monkeypatch):
    new_ticket(zenpy_for(sandbox, monkeypatch), sandbox)
    assert sandbox.wait_for_webhooks()
    assert sandbox.state.webhook_deliveries == [] and receiver.received == []


def test_the_trigger_sends_its_body_signed_with_the_webhooks_secret(sandbox, receiver, monkeypatch):
    installed = sandbox.install_webhook(
        receiver.url, body='{"ticket_id": "{{ticket.id}}", "title": "{{ticket.title}}", "x": "{{nope}}"}'
    )
    ticket_id = new_ticket(zenpy_for(sandbox, monkeypatch), sandbox)
    assert sandbox.wait_for_webhooks() and receiver.arrived.wait(5)
    [(headers, body)] = receiver.received
    assert verify(headers, body, sandbox.config.webhook_secret)
    assert not verify(headers, body, "another-secret")
    assert headers["x-zendesk-webhook-signature-timestamp"].endswith("Z")
    assert headers["x-zendesk-webhook-id"] == installed["webhook"]["id"]
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body) == {"ticket_id": str(ticket_id), "title": "Pipelines stuck", "x": ""}
    [delivery] = sandbox.state.webhook_deliveries
    assert delivery["trigger_id"] == installed["trigger"]["id"] and delivery["ticket_id"] == ticket_id


def test_placeholders_are_escaped_inside_a_json_body(sandbox, receiver):
    sandbox.install_webhook(receiver.url, body='{"title": "{{ticket.title}}"}')
    sandbox.server.open_customer_ticket(org=sandbox.state.world.orgs[0]["id"], subject='Say "hi"\\n\u2028')
    assert sandbox.wait_for_webhooks() and receiver.arrived.wait(5)
    assert json.loads(receiver.received[0][1]) == {"title": 'Say "hi"\\n\u2028'}


def test_an_event_subscription_gets_the_ticket_created_event(sandbox, receiver, monkeypatch):
    response = sandbox.zendesk_session().post(
        f"{sandbox.url}/api/v2/webhooks",
        json={
            "webhook": {
                "name": "events",
                "endpoint": receiver.url,
                "http_method": "POST",
                "request_format": "json",
                "status": "active",
                "subscriptions": ["zen:event-type:ticket.created"],
            }
        },
    )
    assert response.status_code == 201
    ticket_id = new_ticket(zenpy_for(sandbox, monkeypatch), sandbox)
    assert sandbox.wait_for_webhooks() and receiver.arrived.wait(5)
    [(headers, body)] = receiver.received
    assert verify(headers, body, sandbox.config.webhook_secret)
    event = json.loads(body)
    assert event["type"] == "zen:event-type:ticket.created"
    assert event["detail"]["id"] == str(ticket_id) and event["subject"] == f"zen:ticket:{ticket_id}"
    assert event["detail"]["priority"] == "HIGH"


def test_inactive_webhooks_and_triggers_and_unmet_conditions_send_nothing(sandbox, receiver):
    zd = sandbox.zendesk_session()
    installed = sandbox.install_webhook(receiver.url)
    hook, trigger = installed["webhook"], installed["trigger"]
    org = sandbox.state.world.orgs[0]["id"]
    url = f"{sandbox.url}/api/v2"
    assert (
        zd.patch(f"{url}/webhooks/{hook['id']}", json={"webhook": {"status": "inactive"}}).status_code == 204
    )
    sandbox.server.open_customer_ticket(org=org)
    assert zd.patch(f"{url}/webhooks/{hook['id']}", json={"webhook": {"status": "active"}}).status_code == 204
    assert zd.put(f"{url}/triggers/{trigger['id']}", json={"trigger": {"active": False}}).status_code == 200
    sandbox.server.open_customer_ticket(org=org)
    only_urgent = {"all": [{"field": "priority", "operator": "is", "value": "urgent"}]}
    changed = zd.put(
        f"{url}/triggers/{trigger['id']}", json={"trigger": {"active": True, "conditions": only_urgent}}
    )
    assert changed.status_code == 200
    sandbox.server.open_customer_ticket(org=org, priority="low")
    assert sandbox.wait_for_webhooks() and receiver.received == []
    urgent = sandbox.server.open_customer_ticket(org=org, priority="urgent")
    assert sandbox.wait_for_webhooks() and receiver.arrived.wait(5)
    assert [json.loads(b)["ticket_id"] for _, b in receiver.received] == [str(urgent["id"])]


def test_failed_delivery_is_retried(make_sandbox, monkeypatch):
    flaky = Receiver(fail_first=1)
    try:
        handle = make_sandbox(webhook_backoff=0.05)
        handle.install_webhook(flaky.url)
        new_ticket(zenpy_for(handle, monkeypatch), handle)
        assert handle.wait_for_webhooks()
        [delivery] = handle.state.webhook_deliveries
        assert delivery["delivered"] and delivery["attempts"] == 2
        assert len(flaky.received) == 1
    finally:
        flaky.close()


def test_unreachable_receiver_never_breaks_ticket_creation(make_sandbox, monkeypatch):
    handle = make_sandbox(webhook_attempts=2, webhook_backoff=0.01)
    handle.install_webhook("http://127.0.0.1:9/nowhere")
    ticket_id = new_ticket(zenpy_for(handle, monkeypatch), handle)
    assert handle.state.ticket(ticket_id)["subject"] == "Pipelines stuck"
    assert handle.wait_for_webhooks()
    [delivery] = handle.state.webhook_deliveries
    assert not delivery["delivered"] and delivery["error"]


def test_faults_deliver_some_webhooks_twice(make_sandbox, receiver):
    handle = make_sandbox(faults=1.0, fault_kinds=("slow",), slow_seconds=0.0)
    handle.install_webhook(receiver.url)
    for _ in range(3):
        handle.server.open_customer_ticket(org=handle.state.world.orgs[0]["id"])
    assert handle.wait_for_webhooks()
    ids = [headers["x-zendesk-webhook-invocation-id"] for headers, _ in receiver.received]
    tickets = [json.loads(body)["ticket_id"] for _, body in receiver.received]
    assert len(ids) == 6 and len(set(ids)) == 3  # rate 1.0: every delivery twice, same invocation
    assert len(set(tickets)) == 3


def test_control_endpoint_opens_a_customer_ticket(sandbox, receiver):
    handle = sandbox
    handle.install_webhook(receiver.url)
    org = handle.state.world.orgs[1]
    response = handle.zendesk_session().post(
        f"{handle.url}/_sandbox/tickets", json={"org": org["name"], "priority": "urgent"}
    )
    assert response.status_code == 201
    ticket = response.json()["ticket"]
    assert ticket["organization_id"] == org["id"] and ticket["priority"] == "urgent"
    assert handle.wait_for_webhooks() and receiver.arrived.wait(5)
    assert json.loads(receiver.received[0][1]) == {"ticket_id": str(ticket["id"])}
