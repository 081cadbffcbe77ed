"""Reads of notifications, preferences, follows and findings."""

from typing import Any

from django.db.models import Count, QuerySet, Window
from django.http import Http404

from accounts.models import Account
from csmportal.instances import hide
from users.roles import ALL_ROLES, Role, require_role

from .models import (
    AccountWatch,
    Delivery,
    Finding,
    Notification,
    NotificationPreference,
    OutboxMessage,
    WatchKind,
)


def visible_notifications(user: Any) -> QuerySet[Notification]:
    """The person's own rows, but those about an instance hidden from them (docs/instances.md)."""
    return hide(Notification.objects.filter(recipient=user), user)


def notification_list(user: Any) -> QuerySet[Notification]:
    """The person's own notifications (new tickets and events), newest first, with what the list
    shows; none about a restricted instance they are not (or no longer) cleared for."""
    return (
        visible_notifications(user)
        .select_related("ticket", "ticket__account", "ticket__requester", "account", "actor")
        .order_by("-created_at", "-id")
    )


def unread_count(user: Any) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).count()


def bell_summary(user: Any) -> tuple[int, Notification | None]:
    """The bell: how many unread, and the newest unread one (its line in the bell's title).

    One query whatever the number: the newest unread row carries the count (a window).
    """
    newest = (
        visible_notifications(user)
        .filter(read_at__isnull=True)
        .select_related("ticket", "ticket__account")
        .only(
            "kind",
            "summary",
            "ticket__zd_id",
            "ticket__zd_instance",
            "ticket__subject",
            "ticket__account__name",
        )
        .annotate(unread=Window(Count("id")))
        .order_by("-created_at", "-id")
        .first()
    )
    return (newest.unread, newest) if newest is not None else (0, None)  # type: ignore[attr-defined]


def get_notification_for_user(user: Any, pk: int) -> Notification:
    """A notification of the user's own; anyone else's is not found (not even its existence)."""
    require_role(user, *ALL_ROLES)
    notification = visible_notifications(user).select_related("ticket").filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def delivery_for(user: Any) -> str:
    pref = NotificationPreference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return pref or Delivery.IMMEDIATE


def watches_of(user: Any) -> QuerySet[AccountWatch]:
    """The accounts a person follows or muted, by account name."""
    return (
        AccountWatch.objects.filter(user=user)
        .select_related("account", "account__csm")
        .order_by("account__name", "account_id")
    )


def account_watches(account: Account) -> list[AccountWatch]:
    return list(
        AccountWatch.objects.filter(account=account)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def account_watch_summary(
    user: Any, account: Account, watches: list[AccountWatch] | None = None
) -> dict[str, Any]:
    """The account page's "Notifications" panel: the viewer's state and who follows (one query,
    none when given the account's `watches`)."""
    watches = account_watches(account) if watches is None else watches
    mine = next((w.kind for w in watches if w.user_id == user.pk), None)
    return {
        "is_csm": account.csm_id is not None and account.csm_id == user.pk,
        "following": mine == WatchKind.FOLLOW,
        "muted": mine == WatchKind.MUTE,
        "followers": [w.user for w in watches if w.kind == WatchKind.FOLLOW and w.user.is_active],
    }


def finding_list(user: Any) -> QuerySet[Finding]:
    """New tickets that notified nobody, but those of an instance hidden from the user."""
    return (
        hide(Finding.objects.all(), user, "ticket__zd_instance")
        .select_related(
            "ticket", "ticket__organization", "ticket__account", "ticket__account__csm", "ticket__requester"
        )
        .order_by("-created_at", "-id")
    )


def require_findings_access(user: Any) -> None:
    """CSMs (whose tickets could be missing) and admins see the findings."""
    require_role(user, Role.CSM, Role.ADMIN)


def outbox_list() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.order_by("-created_at", "-id")


def get_outbox_message_for_user(user: Any, pk: int) -> OutboxMessage:
    require_role(user, Role.ADMIN)
    message = OutboxMessage.objects.filter(pk=pk).first()
    if message is None:
        raise Http404("No such message.")
    return message
