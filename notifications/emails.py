"""The new-ticket email and the digests (hourly, daily): plain text and HTML, in the recipient's time zone."""

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.links import zendesk_ticket_url
from csmportal.dates import when_zone
from csmportal.instances import GLOBAL
from tickets.models import Case, Ticket
from tickets.review.secrets import mask

from .links import salesforce_account_cases_url, salesforce_case_url
from .models import Notification


@dataclass(frozen=True)
class TicketLinks:
    zendesk: str  # the agent page, never the /api/v2/... document
    salesforce: str  # the case when it is known, else the account's cases
    salesforce_is_case: bool
    case_number: str
    portal: str


_LOOK_UP = object()


def ticket_links(ticket: Ticket, case: Any = _LOOK_UP) -> TicketLinks:
    """The email's links. `case`: the ticket's Salesforce case if already fetched (None: none)."""
    if case is _LOOK_UP:
        case = _case_for(ticket)
    salesforce, is_case, number = "", False, ""
    if case is not None:
        salesforce, is_case, number = salesforce_case_url(case.sf_id), True, case.case_number
    elif ticket.account is not None and ticket.account.sf_id:
        salesforce = salesforce_account_cases_url(ticket.account.sf_id)
    return TicketLinks(
        zendesk=zendesk_ticket_url(ticket.zd_id, ticket.zd_instance),
        salesforce=salesforce,
        salesforce_is_case=is_case,
        case_number=number,
        portal=portal_url(ticket.get_absolute_url()),
    )


def portal_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _case_for(ticket: Ticket) -> Case | None:
    """Salesforce cases name the global instance's tickets (docs/instances.md)."""
    if ticket.zd_instance != GLOBAL:
        return None
    return Case.objects.live().filter(zd_ticket_id=ticket.zd_id).order_by("-sf_created_at", "-id").first()


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def format_local(moment: datetime, time_zone: str) -> str:
    """`Mon 2 Feb 2026, 14:05 CET (Europe/Berlin)` in the recipient's zone."""
    zone = _zone(time_zone)
    text = when_zone(moment, zone)
    return text if moment.astimezone(zone).tzname() == zone.key else f"{text} ({zone.key})"


def format_utc(moment: datetime) -> str:
    return when_zone(moment, UTC)


def one_line(text: str, limit: int = 140) -> str:
    """Customer text made safe for a header: no line breaks, bounded length."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _ticket_of(notification: Notification) -> Ticket:
    """Emails are sent for new-ticket notifications only (events have no email here)."""
    assert notification.ticket is not None, "only new-ticket notifications are emailed"
    return notification.ticket


def ticket_context(notification: Notification, case: Any = _LOOK_UP) -> dict[str, Any]:
    ticket = _ticket_of(notification)
    recipient = notification.recipient
    requester = ticket.requester
    return {
        "notification": notification,
        "ticket": ticket,
        "account": ticket.account,
        "recipient": recipient,
        "requester_name": (requester.name if requester else "")
        or ("deleted person" if requester and not requester.email else "Unknown requester"),
        "requester_email": requester.email if requester else "",
        "requester_known": requester is not None,
        "opened_local": format_local(ticket.zd_created_at, recipient.time_zone),
        "opened_utc": format_utc(ticket.zd_created_at),
        "local_is_utc": _zone(recipient.time_zone).key in ("UTC", "Etc/UTC"),
        "links": ticket_links(ticket, case),
        "reason": notification.get_reason_display(),
        "is_csm": notification.reason == "csm",
        "preferences_url": portal_url(reverse("notifications:preferences")),
        "account_url": portal_url(reverse("accounts:detail", args=[ticket.account_id]))
        if ticket.account_id
        else "",
    }


def ticket_email(notification: Notification) -> EmailMultiAlternatives:
    ticket = _ticket_of(notification)
    account = ticket.account.name if ticket.account else "an unlinked organization"
    context = ticket_context(notification)
    context["item"] = context  # the HTML block is shared with the digest, which loops over items
    subject = one_line(
        f"New ticket #{ticket.zd_id} from {account}: {mask(ticket.subject) or '(no subject)'}", 180
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/ticket.txt", context),
        to=[notification.recipient.email],
        headers={
            "X-CSM-Portal-Ticket": str(ticket.zd_id),
            "X-Auto-Response-Suppress": "All",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("notifications/email/ticket.html", context), "text/html")
    return message


def digest_email(
    recipient: Any, notifications: Sequence[Notification], *, daily: bool = False
) -> EmailMultiAlternatives:
    cases: dict[int, Case] = {}
    numbers = [_ticket_of(n).zd_id for n in notifications if _ticket_of(n).zd_instance == GLOBAL]
    for case in Case.objects.live().filter(zd_ticket_id__in=numbers).order_by("sf_created_at", "id"):
        cases[case.zd_ticket_id or 0] = case  # the newest wins
    items = [
        ticket_context(n, cases.get(_ticket_of(n).zd_id) if _ticket_of(n).zd_instance == GLOBAL else None)
        for n in notifications
    ]
    count = len(items)
    context = {
        "recipient": recipient,
        "items": items,
        "count": count,
        "preferences_url": portal_url(reverse("notifications:preferences")),
        "list_url": portal_url(reverse("notifications:list")),
        "period": "day" if daily else "hour",
        "digest_name": "daily" if daily else "hourly",
    }
    message = EmailMultiAlternatives(
        subject=f"{count} new ticket{'s' if count != 1 else ''} from your accounts"
        + (" (daily digest)" if daily else ""),
        body=render_to_string("notifications/email/digest.txt", context),
        to=[recipient.email],
        headers={"X-Auto-Response-Suppress": "All", "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return message
