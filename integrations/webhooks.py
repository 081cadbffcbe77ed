"""The Zendesk webhook receiver: POST /webhooks/zendesk/<instance>/ -> verify with that
instance's secret -> enqueue "fetch ticket N of that instance".

Each Zendesk instance (``csmportal.instances``) has its own address and signing secret; the
old address ``/webhooks/zendesk/`` is the global instance's. A delivery signed with another
instance's secret fails the signature check (401), and an address naming no configured
instance is 404.

Zendesk signs each delivery: X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(secret,
timestamp + raw body)), with the timestamp in X-Zendesk-Webhook-Signature-Timestamp. A request
with a missing or wrong signature gets 401, a stale timestamp (more than 5 minutes off) or a
body without a ticket id 400, and nothing is enqueued. A good one is answered 202 at once; the
fetch runs in a worker (integrations.fetch_ticket), which upserts the ticket through the
tickets stream's code path, so the notification rule sees it exactly like a polled ticket.
Deliveries repeat: that is harmless (the fetch is an upsert, notifications are unique rows),
but a replayed delivery must not cost a fetch each time: a delivery already seen within the
timestamp window (the same X-Zendesk-Webhook-Id + X-Zendesk-Webhook-Invocation-Id, else the
same signature) is answered 200 and enqueues nothing. The claim is a unique row in the
database (``WebhookDelivery``), so every web worker sees it, with or without Redis.
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from csmportal import instances
from csmportal.instances import GLOBAL

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE"
TIMESTAMP_HEADER = "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP"
WEBHOOK_ID_HEADER = "HTTP_X_ZENDESK_WEBHOOK_ID"
INVOCATION_HEADER = "HTTP_X_ZENDESK_WEBHOOK_INVOCATION_ID"
MAX_SKEW_SECONDS = 300
# A signed request is accepted while its timestamp is within MAX_SKEW either way, so a replay
# can arrive up to 2 x MAX_SKEW after the first copy: remember deliveries that long (+ margin).
SEEN_FOR = timedelta(seconds=2 * MAX_SKEW_SECONDS + 60)
MAX_BODY_BYTES = 256 * 1024
FETCH_TASK = "integrations.fetch_ticket"


class Rejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison of the raw HMAC bytes."""
    try:
        given = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return hmac.compare_digest(given, expected)


def parse_timestamp(value: str) -> float:
    """Zendesk sends ISO 8601 (`2026-01-31T12:34:56Z`); unix seconds are accepted too."""
    text = value.strip()
    if text.isdecimal():
        return float(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Rejected(400, "Unreadable signature timestamp.") from exc
    if moment.tzinfo is None:
        raise Rejected(400, "The signature timestamp has no time zone.")
    return moment.timestamp()


def ticket_id_from(payload: object) -> int | None:
    """The ticket of an event webhook (`detail.id`) or of a trigger-style body (`ticket_id`).

    None: a well-formed event that is not about a ticket (acknowledged, nothing to do).
    """
    if not isinstance(payload, dict):
        raise Rejected(400, "The body must be a JSON object.")
    event_type = payload.get("type")
    if isinstance(event_type, str) and event_type.startswith("zen:event-type:"):
        if not event_type.startswith("zen:event-type:ticket."):
            return None
        detail = payload.get("detail")
        raw = detail.get("id") if isinstance(detail, dict) else None
    elif "ticket_id" in payload:
        raw = payload.get("ticket_id")
    elif isinstance(payload.get("ticket"), dict):
        raw = payload["ticket"].get("id")
    else:
        raise Rejected(400, "No ticket id in the body (expected detail.id or ticket_id).")
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdecimal():
        raw = int(raw.strip())
    if not isinstance(raw, int) or raw < 1 or raw >= 2**63:
        raise Rejected(400, "The ticket id is not a positive number.")
    return raw


def delivery_key(request: HttpRequest, instance: str = GLOBAL) -> str:
    """The delivery's identity: Zendesk's webhook + invocation ids when both are sent (they stay
    the same when Zendesk repeats a delivery), else the signature (unique per timestamp + body);
    an instance's ids are its own, so the instance is part of it (global as before instances)."""
    webhook_id = request.META.get(WEBHOOK_ID_HEADER, "").strip()
    invocation = request.META.get(INVOCATION_HEADER, "").strip()
    if webhook_id and invocation:
        identity = f"zendesk:{webhook_id}:{invocation}"
    else:
        identity = "signature:" + request.META.get(SIGNATURE_HEADER, "").strip()
    if instance != GLOBAL:
        identity = f"{instance}:{identity}"
    return hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()


def delivery_claim(key: str) -> bool:
    """Claim a delivery by INSERTing its key; False when it was already claimed in the window."""
    from django.utils import timezone

    from .models import WebhookDelivery

    now = timezone.now()
    WebhookDelivery.objects.filter(received_at__lt=now - SEEN_FOR).delete()
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(key=key, received_at=now)
    except IntegrityError:
        return False
    return True


def delivery_release(key: str) -> None:
    """Forget a claimed delivery that could not be queued, so Zendesk's retry gets through."""
    from .models import WebhookDelivery

    WebhookDelivery.objects.filter(key=key).delete()


def enqueue_fetch(ticket_id: int, instance: str = GLOBAL) -> None:
    """Send "fetch ticket N of this instance" to the workers."""
    from .tasks import fetch_ticket

    if instance == GLOBAL:
        fetch_ticket.delay(ticket_id)  # as before instances: a worker not yet upgraded reads it
    else:
        fetch_ticket.delay(ticket_id, instance=instance)


@csrf_exempt
@login_not_required
@require_POST
def zendesk_webhook(request: HttpRequest, instance: str = GLOBAL) -> JsonResponse:
    started = time.monotonic()
    try:
        configured = instances.get(instance)
    except KeyError:
        log.warning("zendesk webhook: no instance %r is configured", instance[:40])
        return JsonResponse({"error": "No such Zendesk instance."}, status=404)
    try:
        ticket_id = _check(request, configured)
    except Rejected as exc:
        log.warning("zendesk webhook (%s) rejected (%s): %s", instance, exc.status, exc.message)
        return JsonResponse({"error": exc.message}, status=exc.status)
    if ticket_id is None:
        return JsonResponse({"status": "ignored"}, status=200)
    key = delivery_key(request, instance)
    if not delivery_claim(key):
        log.info("zendesk webhook (%s): ticket %s delivery already seen; nothing queued", instance, ticket_id)
        return JsonResponse({"status": "duplicate", "ticket_id": ticket_id}, status=200)
    try:
        # No transaction is open here, so this runs at once; inside one it would wait for commit.
        transaction.on_commit(lambda: enqueue_fetch(ticket_id, instance))
    except Exception:
        log.exception("zendesk webhook (%s): could not enqueue ticket %s", instance, ticket_id)
        delivery_release(key)
        # 503: Zendesk retries the delivery, and the polling sync is the safety net anyway.
        return JsonResponse({"error": "Could not queue the ticket; try again."}, status=503)
    took = (time.monotonic() - started) * 1000
    log.info("zendesk webhook (%s): ticket %s queued in %.1f ms", instance, ticket_id, took)
    return JsonResponse({"status": "queued", "ticket_id": ticket_id}, status=202)


def _check(request: HttpRequest, instance: instances.Instance) -> int | None:
    secret = instance.webhook_secret
    if not secret:
        name = (
            "ZENDESK_WEBHOOK_SECRET"
            if instance.key == GLOBAL
            else f"ZENDESK_{instance.key.upper()}_WEBHOOK_SECRET"
        )
        log.error("%s is not set: every webhook delivery is refused", name)
        raise Rejected(401, "Webhook signing is not configured.")
    signature = request.META.get(SIGNATURE_HEADER, "")
    timestamp = request.META.get(TIMESTAMP_HEADER, "")
    if not signature or not timestamp:
        raise Rejected(401, "Missing webhook signature.")
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdecimal() or int(length) > MAX_BODY_BYTES:
        raise Rejected(400, "Body too large.")
    body = request.body
    if not verify_signature(secret, timestamp, body, signature):
        raise Rejected(401, "Bad webhook signature.")
    if abs(time.time() - parse_timestamp(timestamp)) > MAX_SKEW_SECONDS:
        raise Rejected(400, "Stale signature timestamp (more than 5 minutes off).")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Rejected(400, "The body is not JSON.") from exc
    return ticket_id_from(payload)
