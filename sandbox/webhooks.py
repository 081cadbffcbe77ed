"""Zendesk-style event webhooks, signed as Zendesk signs them, delivered in the background."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import uuid
from typing import TYPE_CHECKING

import requests

from . import ids
from .ids import iso_z

if TYPE_CHECKING:
    from .state import State

log = logging.getLogger(__name__)
WEBHOOK_ID = "01GK8E6BKWMJZD2T8Y5AXJQMG5"


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


class WebhookSender:
    """Delivers events to ``url`` from one background thread, retrying failures.

    Failure to deliver never reaches the code that created the ticket. Every attempt is
    recorded in ``state.webhook_deliveries``.
    """

    def __init__(
        self, state: State, url: str | None, secret: str, attempts: int = 3, backoff: float = 0.5
    ) -> None:
        self.state = state
        self.url = url
        self.secret = secret
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.queue: queue.Queue = queue.Queue()
        self.session = requests.Session()
        self.session.trust_env = False
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def ticket_created(self, ticket: dict) -> None:
        if not self.url:
            return
        event = ticket_created_event(ticket)
        copies = 2 if self.state.faults.duplicate() else 1
        for n in range(copies):
            self.queue.put((event, n > 0))
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
                return
            event, duplicate = item
            try:
                self._deliver(event, duplicate)
            except Exception:  # never let one event stop the worker
                log.exception("webhook delivery crashed")
            finally:
                self.queue.task_done()

    def _deliver(self, event: dict, duplicate: bool) -> None:
        url = self.url
        if not url:
            return
        body = json.dumps(event, separators=(",", ":")).encode("utf-8")
        record = {
            "event_id": event["id"],
            "ticket_id": int(event["detail"]["id"]),
            "duplicate": duplicate,
            "attempts": 0,
            "status": None,
            "error": None,
            "delivered": False,
        }
        self.state.webhook_deliveries.append(record)
        for attempt in range(1, self.attempts + 1):
            record["attempts"] = attempt
            timestamp = iso_z(time.time())
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Zendesk Webhook",
                "X-Zendesk-Account-Id": str(ids.ZD_ACCOUNT_ID),
                "X-Zendesk-Webhook-Id": WEBHOOK_ID,
                "X-Zendesk-Webhook-Invocation-Id": event["id"].replace("-", "")[:20],
                "X-Zendesk-Webhook-Signature": sign(self.secret, timestamp, body),
                "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
            }
            try:
                response = self.session.post(url, data=body, headers=headers, timeout=10)
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
