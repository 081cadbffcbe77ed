"""Sending claimed notifications: each email is claimed with a conditional UPDATE, then sent,
then marked sent with another conditional UPDATE. A send that fails puts the row back for the
task's retry; a worker that dies mid-send leaves a claim that expires after `CLAIM_LEASE`.
A row about a restricted instance its recipient is no longer cleared for is not emailed.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from csmportal.instances import restricted_keys
from users.models import Clearance, User

from .emails import _zone, digest_email, ticket_email
from .models import Delivery, EmailStatus, Notification, OutboxMessage

log = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died: the next attempt may take it over.
CLAIM_LEASE = timedelta(minutes=5)
# An immediate email still pending after this long lost its task (the hourly sweep re-sends it).
STUCK_AFTER = timedelta(minutes=2)
OUTBOX_KEEP = timedelta(days=14)
# The daily digest goes out in the first hourly run at or after this hour on the person's clock.
DAILY_DIGEST_HOUR = 8


class EmailNotSent(Exception):
    """The mail backend refused or failed; the row is back to pending (or failed, at the end)."""


def _claimable(now: datetime) -> Q:
    return Q(email_status=EmailStatus.PENDING) | Q(
        email_status=EmailStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )


def _hidden_from(user_id: int) -> frozenset[str]:
    """The restricted instances this person is not cleared for (no query when none is configured)."""
    restricted = restricted_keys()
    if not restricted:
        return frozenset()
    cleared = Clearance.objects.filter(user_id=user_id, instance__in=restricted).values_list(
        "instance", flat=True
    )
    return restricted - set(cleared)


def notification_email_send(*, notification_id: int, final_attempt: bool = False) -> bool:
    """Send one immediate email if nobody has (True: this call sent it)."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = Notification.objects.filter(
        _claimable(now), pk=notification_id, delivery=Delivery.IMMEDIATE
    ).update(email_status=EmailStatus.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "recipient", "ticket", "ticket__account", "ticket__requester"
    ).get(pk=notification_id)
    if notification.zd_instance and notification.zd_instance in _hidden_from(notification.recipient_id):
        Notification.objects.filter(pk=notification_id, claim_token=token).update(
            email_status=EmailStatus.NOT_EMAILED, claim_token=""
        )
        return False
    try:
        ticket_email(notification).send()
    except Exception as exc:
        _release(Q(pk=notification_id), token, exc, final_attempt)
        raise EmailNotSent(str(exc)) from exc
    Notification.objects.filter(
        pk=notification_id, claim_token=token, email_status=EmailStatus.SENDING
    ).update(email_status=EmailStatus.SENT, sent_at=timezone.now(), last_error="")
    return True


def digest_send(*, user_id: int, final_attempt: bool = False, delivery: str = Delivery.DIGEST) -> int:
    """Send one person's digest (hourly, or daily) of pending notifications; returns how many it listed."""
    now = timezone.now()
    token = uuid.uuid4().hex
    todo = Notification.objects.filter(_claimable(now), recipient_id=user_id, delivery=delivery)
    # Read in the portal before the digest went out: nothing left to tell.
    todo.filter(read_at__isnull=False).update(email_status=EmailStatus.NOT_EMAILED, claim_token="")
    hidden = _hidden_from(user_id)
    if hidden:  # a clearance revoked since: not theirs to read any more
        todo.filter(zd_instance__in=hidden).update(email_status=EmailStatus.NOT_EMAILED, claim_token="")
    claimed = todo.filter(read_at__isnull=True).update(
        email_status=EmailStatus.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return 0
    rows = list(
        Notification.objects.filter(recipient_id=user_id, claim_token=token, email_status=EmailStatus.SENDING)
        .select_related("recipient", "ticket", "ticket__account", "ticket__requester")
        .order_by("ticket__zd_created_at", "id")
    )
    recipient = rows[0].recipient if rows else User.objects.get(pk=user_id)
    try:
        digest_email(recipient, rows, daily=delivery == Delivery.DAILY).send()
    except Exception as exc:
        _release(Q(recipient_id=user_id), token, exc, final_attempt)
        raise EmailNotSent(str(exc)) from exc
    Notification.objects.filter(
        recipient_id=user_id, claim_token=token, email_status=EmailStatus.SENDING
    ).update(email_status=EmailStatus.SENT, sent_at=timezone.now(), last_error="")
    return len(rows)


def _release(where: Q, token: str, exc: Exception, final_attempt: bool) -> None:
    status = EmailStatus.FAILED if final_attempt else EmailStatus.PENDING
    log.warning("notification email not sent (%s): %s", "giving up" if final_attempt else "will retry", exc)
    Notification.objects.filter(where, claim_token=token, email_status=EmailStatus.SENDING).update(
        email_status=status, claim_token="", last_error=f"{type(exc).__name__}: {exc}"[:2000]
    )


def digest_recipients() -> list[int]:
    """People with hourly digest notifications waiting."""
    now = timezone.now()
    return list(
        Notification.objects.filter(_claimable(now), delivery=Delivery.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def daily_digest_recipients(now: datetime | None = None) -> list[int]:
    """People with daily digest notifications waiting whose morning it is (DAILY_DIGEST_HOUR on
    their own clock), or whose oldest waiting one is over a day old (beat missed their hour)."""
    now = now or timezone.now()
    waiting: dict[int, datetime] = {}
    for user_id, created_at in Notification.objects.filter(
        _claimable(now), delivery=Delivery.DAILY
    ).values_list("recipient_id", "created_at"):
        waiting[user_id] = min(created_at, waiting.get(user_id, created_at))
    if not waiting:
        return []
    zones = dict(User.objects.filter(pk__in=waiting).values_list("pk", "time_zone"))
    due = [
        user_id
        for user_id, oldest in waiting.items()
        if now.astimezone(_zone(zones.get(user_id, ""))).hour == DAILY_DIGEST_HOUR
        or now - oldest > timedelta(hours=25)
    ]
    return sorted(due)


def stuck_immediate(limit: int = 1000) -> list[int]:
    """Immediate emails whose task was lost (still pending) or whose worker died (claim expired)."""
    now = timezone.now()
    return list(
        Notification.objects.filter(delivery=Delivery.IMMEDIATE)
        .filter(
            Q(email_status=EmailStatus.PENDING, created_at__lt=now - STUCK_AFTER)
            | Q(email_status=EmailStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_prune() -> int:
    deleted, _ = OutboxMessage.objects.filter(created_at__lt=timezone.now() - OUTBOX_KEEP).delete()
    return deleted
