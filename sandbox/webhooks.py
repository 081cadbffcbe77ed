"""Webhook deliveries, signed as Zendesk signs them, sent from a background thread.

What is delivered, and where, is decided by the webhooks and triggers created through the
sandbox's API (``sandbox.zdwebhooks``), as on Zendesk: nothing is sent until a client installs
a webhook. This module only signs and sends.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import requests

from . import ids
from .ids import iso_z

if TYPE_CHECKING:
    from .state import State

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 12  # Zendesk waits 12 seconds for an answer
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "form_encoded": "application/x-www-form-urlencoded; charset=utf-8",
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, timestamp + body)): X-Zendesk-Webhook-Signature."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("utf-8") + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _upper(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def ticket_created_event(ticket: dict) -> dict:
    """A ``zen:event-type:ticket.created`` event (ids as strings, enums upper case)."""
    sequence = str(uuid.uuid4())
    return {
        "type": "zen:event-type:ticket.created",
        "account_id": ids.ZD_ACCOUNT_ID,
        "id": str(uuid.uuid4()),
        "time": ticket["created_at"],
        "zendesk_event_version": "2022-11-06",
        "subject": f"zen:ticket:{ticket['id']}",
        "detail": {
            "actor_id": _text(ticket["submitter_id"]),
            "assignee_id": _text(ticket["assignee_id"]),
            "brand_id": _text(ticket["brand_id"]),
            "created_at": ticket["created_at"],
            "custom_status": _text(ticket["custom_status_id"]),
            "description": ticket["description"],
            "external_id": _text(ticket["external_id"]),
            "form_id": _text(ticket["ticket_form_id"]),
            "group_id": _text(ticket["group_id"]),
            "id": str(ticket["id"]),
            "is_public": ticket["is_public"],
            "organization_id": _text(ticket["organization_id"]),
            "priority": _upper(ticket["priority"]),
            "requester_id": _text(ticket["requester_id"]),
            "status": _upper(ticket["status"]),
            "subject": ticket["subject"],
            "submitter_id": _text(ticket["submitter_id"]),
            "tags": ticket["tags"],
            "type": _upper(ticket["type"]),
            "updated_at": ticket["updated_at"],
            "via": {
                "channel": "web_service" if ticket["via"]["channel"] == "api" else ticket["via"]["channel"]
            },
        },
        "event": {"meta": {"sequence": {"id": sequence, "position": 1, "total": 1}}},
    }


@dataclass
class Delivery:
    """One request a webhook sends (what, where, signed with which secret)."""

    webhook_id: str
    url: str
    method: str
    request_format: str
    body: bytes
    secret: str
    headers: dict[str, str] = field(default_factory=dict)  # authentication, custom headers
    ticket_id: int | None = None
    trigger_id: int | None = None
    event_id: str | None = None
    invocation_id: str = field(default_factory=lambda: str(uuid.uuid4().int)[:10])

    def request_headers(self) -> dict[str, str]:
        timestamp = iso_z(time.time())
        headers = {
            "User-Agent": "Zendesk Webhook",
            "X-Zendesk-Account-Id": str(ids.ZD_ACCOUNT_ID),
            "X-Zendesk-Webhook-Id": self.webhook_id,
            "X-Zendesk-Webhook-Invocation-Id": self.invocation_id,
            "X-Zendesk-Webhook-Signature": sign(self.secret, timestamp, self.body),
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        }
        if self.body:
            headers["Content-Type"] = CONTENT_TYPES.get(self.request_format, CONTENT_TYPES["json"])
        headers.update(self.headers)
        return headers


def send_once(session: requests.Session, delivery: Delivery) -> requests.Response:
    """One attempt (the test endpoint uses it directly)."""
    return session.request(
        delivery.method,
        delivery.url,
        data=delivery.body or None,
        headers=delivery.request_headers(),
        timeout=TIMEOUT_SECONDS,
        allow_redirects=False,
    )


def plain_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


class WebhookSender:
    """Sends deliveries from one background thread, retrying failures.

    Failure to deliver never reaches the code that created the ticket. Every delivery is
    recorded in ``state.webhook_deliveries``.
    """

    def __init__(self, state: State, attempts: int = 3, backoff: float = 0.5) -> None:
        self.state = state
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.queue: queue.Queue = queue.Queue()
        self.session = plain_session()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def send(self, delivery: Delivery) -> None:
        """Queue a delivery (with faults on, sometimes twice: the same invocation again)."""
        copies = 2 if self.state.faults.duplicate() else 1
        for n in range(copies):
            self.queue.put((delivery, n > 0))
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                self.queue.task_done()
                return
            delivery, duplicate = item
            try:
                self._deliver(delivery, duplicate)
            except Exception:  # never let one delivery stop the worker
                log.exception("webhook delivery crashed")
            finally:
                self.queue.task_done()

    def _deliver(self, delivery: Delivery, duplicate: bool) -> None:
        record = {
            "webhook_id": delivery.webhook_id,
            "trigger_id": delivery.trigger_id,
            "invocation_id": delivery.invocation_id,
            "event_id": delivery.event_id,
            "ticket_id": delivery.ticket_id,
            "url": delivery.url,
            "duplicate": duplicate,
            "attempts": 0,
            "status": None,
            "error": None,
            "delivered": False,
        }
        self.state.webhook_deliveries.append(record)
        for attempt in range(1, self.attempts + 1):
            record["attempts"] = attempt
            try:
                response = send_once(self.session, delivery)
                record["status"] = response.status_code
                if response.status_code < 300:
                    record["delivered"] = True
                    return
                if 400 <= response.status_code < 500 and response.status_code not in (408, 409, 429):
                    return  # Zendesk gives up on client errors
            except requests.RequestException as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
            if attempt < self.attempts:
                time.sleep(self.backoff * attempt)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until the queue is drained (tests). True if it was."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def stop(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            self.queue.put(None)
            self.thread.join(timeout=2)
        self.session.close()
