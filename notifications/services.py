"""Writes a person makes on their own notifications: read state, preference, follow and mute."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from accounts.services import account_event_record

from .models import AccountWatch, Delivery, Notification, NotificationPreference, WatchKind

# The rule itself (who is notified about a new ticket) lives in rule.py; sending in sending.py.


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark one notification read (True if it was unread)."""
    if notification.read_at is not None:
        return False
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.read_at = now
    return bool(changed)


def notification_mark_unread(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(read_at=None)
    notification.read_at = None


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_preference_set(*, user: Any, delivery: str) -> NotificationPreference:
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": "Choose one of the options."})
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"delivery": delivery}
    )
    return preference


_SUMMARIES = {
    "follow": "{user} now follows the account's new tickets",
    "unfollow": "{user} stopped following the account's new tickets",
    "mute": "{user} muted new-ticket notifications for the account",
    "unmute": "{user} unmuted new-ticket notifications for the account",
}


def account_watch_change(*, user: Any, account: Account, action: str) -> bool:
    """Follow, unfollow, mute or unmute an account; recorded in the account's audit trail.

    Rules: the account's CSM is notified already, so cannot follow it (but may mute it); anyone
    else may follow any account they can see; muting replaces following and vice versa.
    Returns False when nothing changed (e.g. a second click).
    """
    if action not in ("follow", "unfollow", "mute", "unmute"):
        raise ValidationError("Unknown action.")
    if action == "follow" and account.csm_id == user.pk:
        raise ValidationError("You are this account's CSM: its new tickets notify you already.")
    with transaction.atomic():
        current = AccountWatch.objects.select_for_update().filter(user=user, account=account).first()
        kind = current.kind if current else None
        if action in ("follow", "mute"):
            wanted = WatchKind.FOLLOW if action == "follow" else WatchKind.MUTE
            if kind == wanted:
                return False
            AccountWatch.objects.update_or_create(user=user, account=account, defaults={"kind": wanted})
        else:
            expected = WatchKind.FOLLOW if action == "unfollow" else WatchKind.MUTE
            if kind != expected:
                return False
            AccountWatch.objects.filter(user=user, account=account, kind=expected).delete()
        account_event_record(
            account=account,
            actor=user,
            verb=f"notifications.{action}",
            summary=_SUMMARIES[action].format(user=user),
            detail={"user_id": user.pk},
        )
    return True
