"""The feedback emails. Every email belongs to one item event and is sent by the task
`feedback.email_event` after the change commits: at most once per event (the event is
claimed with a conditional UPDATE first), one message per recipient, with dates in the
recipient's own time zone.

- assigned / reassigned: to the reviewing manager (not when they took it themselves);
- forwarded while nobody is on duty: to every support manager;
- triaged with "Make CSM aware: yes": to the CSM side (the forwarder and the account's CSM);
- actioned, closed: the outcome, to the CSM side (a close right after "actioned" with no
  new note sends nothing: they already have the outcome);
- commented: to the other side (a manager's comment to the CSM side, a CSM's to the manager).

An item about a restricted Zendesk instance's ticket or rating is emailed only to people cleared
for that instance (docs/instances.md).
"""

import logging
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from csmportal.clearance import cleared_among

from .models import EventKind, Feedback, FeedbackEvent, FeedbackStatus
from .rotation import support_managers
from .selectors import is_manager, item_instance

log = logging.getLogger(__name__)

EMAILING_KINDS = frozenset(
    {
        EventKind.FORWARDED,
        EventKind.ASSIGNED,
        EventKind.REASSIGNED,
        EventKind.TRIAGED,
        EventKind.ACTIONED,
        EventKind.CLOSED,
        EventKind.COMMENTED,
    }
)


@dataclass(frozen=True)
class Email:
    template: str  # feedback/emails/<template>.txt
    subject: str
    recipients: list[Any]


def item_link(item: Feedback) -> str:
    return f"{settings.SITE_URL}{reverse('feedback:detail', args=[item.pk])}"


def _reachable(people: list[Any], *, besides: Any | None = None) -> list[Any]:
    seen: set[int] = set()
    out = []
    for person in people:
        if person is None or not person.is_active or not person.email or person.pk in seen:
            continue
        if besides is not None and person.pk == besides.pk:
            continue
        seen.add(person.pk)
        out.append(person)
    return out


def csm_side(item: Feedback) -> list[Any]:
    """Who hears back about an item: its forwarder and the account's CSM (once each)."""
    return _reachable([item.forwarded_by, item.account.csm])


def email_for(event: FeedbackEvent, item: Feedback) -> Email | None:
    """What (if anything) an event emails, and to whom; decided when it is sent."""
    kind, actor, account = event.kind, event.actor, item.account.name
    if kind in (EventKind.ASSIGNED, EventKind.REASSIGNED):
        manager = item.reviewing_manager
        if manager is None or manager.pk != event.detail.get("to") or item.status == FeedbackStatus.CLOSED:
            return None  # reassigned or closed since: this email would be stale
        return Email("assigned", f"Feedback to review: {account}", _reachable([manager], besides=actor))
    if kind == EventKind.FORWARDED:
        if item.reviewing_manager_id is not None or item.status != FeedbackStatus.NEW:
            return None  # somebody has it (on duty, or assigned since)
        return Email(
            "unassigned", f"Nobody on duty for new feedback: {account}", _reachable(list(support_managers()))
        )
    if kind == EventKind.TRIAGED:
        if not event.detail.get("make_csm_aware"):
            return None
        return Email(
            "triaged", f"Your feedback on {account} was triaged", _reachable(csm_side(item), besides=actor)
        )
    if kind in (EventKind.ACTIONED, EventKind.CLOSED):
        if kind == EventKind.CLOSED and event.from_status == FeedbackStatus.ACTIONED and not event.body:
            return None
        verb = "actioned" if kind == EventKind.ACTIONED else "closed"
        return Email(
            "outcome", f"Your feedback on {account} was {verb}", _reachable(csm_side(item), besides=actor)
        )
    if kind == EventKind.COMMENTED:
        if actor is not None and is_manager(actor):
            people = csm_side(item)
        else:
            people = [item.reviewing_manager] if item.reviewing_manager else list(support_managers())
        return Email("comment", f"New comment on feedback from {account}", _reachable(people, besides=actor))
    return None


def send_event_email(*, event_id: int) -> int:
    """Send the email of one event, at most once; returns how many messages went out."""
    claimed = FeedbackEvent.objects.filter(pk=event_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    event = FeedbackEvent.objects.select_related("actor").get(pk=event_id)
    item = Feedback.objects.select_related(
        "account", "account__csm", "ticket", "rating", "forwarded_by", "reviewing_manager"
    ).get(pk=event.feedback_id)
    email = email_for(event, item)
    about = item_instance(item)
    if email is not None and about:
        cleared = cleared_among((p.pk for p in email.recipients), about)
        email = Email(email.template, email.subject, [p for p in email.recipients if p.pk in cleared])
    if email is None or not email.recipients:
        return 0
    try:
        sent = _send(email, {"item": item, "event": event, "link": item_link(item)})
    except Exception:
        FeedbackEvent.objects.filter(pk=event_id).update(emailed_at=None)  # let the retry send it
        raise
    log.info("feedback %s: emailed %d about %s", item.pk, sent, event.kind)
    return sent


def _send(email: Email, context: dict[str, Any]) -> int:
    sent = 0
    subject = " ".join(f"[CSM Portal] {email.subject}".split())[:200]  # one line, whatever the names
    for person in email.recipients:
        try:
            zone = zoneinfo.ZoneInfo(person.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        with timezone.override(zone):
            body = render_to_string(f"feedback/emails/{email.template}.txt", {**context, "recipient": person})
        sent += send_mail(subject=subject, message=body, from_email=None, recipient_list=[person.email])
    return sent
