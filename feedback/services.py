"""Writes on forwarded feedback: forwarding, assignment, comments, the rotation, and linking
tickets that arrive after the item. The state machine (triage -> actioned -> closed) is in
workflow.py. Every change is an item event, and a line in the account's audit trail."""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from accounts.services import account_event_record
from csmportal.clearance import cleared_among, restricted_key
from csmportal.instances import GLOBAL
from integrations.gitlab import configured as gitlab_configured
from tickets.models import Ticket
from users.audit import audit_record
from users.roles import Role, has_role, is_admin

from . import tasks, tracker
from .deadlines import first_response_due
from .emails import EMAILING_KINDS
from .models import (
    OPEN_FEEDBACK,
    Channel,
    EventKind,
    Feedback,
    FeedbackEvent,
    FeedbackStatus,
    Rating,
    RotationWeek,
    Sentiment,
)
from .rotation import current_week_start, is_assignable, manager_on_duty
from .selectors import can_view, is_manager, item_instance, visible_feedback

MAX_TEXT = 20_000


class FeedbackError(Exception):
    """A change that cannot be made; the message is shown to the person who tried."""


def feedback_forward(
    *,
    forwarded_by: Any,
    account: Account,
    sentiment: str,
    channel: str,
    customer_words: str,
    csm_context: str = "",
    wants_manager_contact: bool = False,
    ticket: Ticket | None = None,
    zd_ticket_id: int | None = None,
    zd_instance: str = GLOBAL,
    rating: Rating | None = None,
    submission_key: uuid.UUID | None = None,
) -> Feedback:
    """A CSM forwards a customer's feedback; it goes to the manager on duty (if any).

    Always on the forwarder's own behalf: nobody forwards for someone else. A repeated
    submission (same key) or a rating already forwarded returns the existing item.
    """
    if not has_role(forwarded_by, Role.CSM):
        raise PermissionDenied("Only CSMs forward feedback to the support managers.")
    if sentiment not in Sentiment.values or channel not in Channel.values:
        raise ValidationError("Unknown sentiment or channel.")
    if not customer_words.strip():
        raise ValidationError("The customer's words are required.")
    if ticket is not None:
        if ticket.account_id is not None and ticket.account_id != account.pk:
            raise ValidationError(f"Ticket #{ticket.zd_id} belongs to another account.")
        zd_ticket_id, zd_instance = ticket.zd_id, ticket.zd_instance
    existing = _existing_submission(forwarded_by=forwarded_by, submission_key=submission_key, rating=rating)
    if existing is not None:
        return existing

    now = timezone.now()
    due = first_response_due(
        forwarded_at=now, wants_manager_contact=wants_manager_contact, account=account, ticket=ticket
    )
    manager = manager_on_duty(now)
    about = restricted_key(
        ticket.zd_instance if ticket is not None else None, rating.zd_instance if rating is not None else None
    )
    if manager is not None and about and not cleared_among([manager.pk], about):
        manager = None  # not cleared for the ticket's instance: the cleared managers take it
    try:
        with transaction.atomic():
            item = Feedback.objects.create(
                account=account,
                ticket=ticket,
                zd_ticket_id=zd_ticket_id,
                zd_instance=zd_instance,
                rating=rating,
                forwarded_by=forwarded_by,
                submission_key=submission_key,
                sentiment=sentiment,
                channel=channel,
                customer_words=customer_words.strip()[:MAX_TEXT],
                csm_context=csm_context.strip()[:MAX_TEXT],
                wants_manager_contact=wants_manager_contact,
                reviewing_manager=manager,
                assigned_at=now if manager else None,
                first_response_due_at=due.at,
                due_rule=due.rule,
            )
            feedback_event_record(
                feedback=item,
                actor=forwarded_by,
                kind=EventKind.FORWARDED,
                to_status=FeedbackStatus.NEW,
                detail={"due": due.rule},
            )
            ticket_text = f" on ticket #{zd_ticket_id}" if zd_ticket_id else ""
            account_event_record(
                account=account,
                actor=forwarded_by,
                verb="feedback.forwarded",
                summary=f"{item.get_sentiment_display()} feedback{ticket_text} forwarded to support managers",
                detail={"feedback": item.pk, "ticket": zd_ticket_id, "rating": rating.pk if rating else None},
            )
            if manager is not None:
                feedback_event_record(
                    feedback=item,
                    actor=None,
                    kind=EventKind.ASSIGNED,
                    detail={"to": manager.pk, "why": "on duty"},
                )
    except IntegrityError:
        # A concurrent double submit (or one-click forward) won the race: return its item.
        existing = _existing_submission(
            forwarded_by=forwarded_by, submission_key=submission_key, rating=rating
        )
        if existing is None:
            raise
        return existing
    return item


def _existing_submission(
    *, forwarded_by: Any, submission_key: uuid.UUID | None, rating: Rating | None
) -> Feedback | None:
    if submission_key is not None:
        item = Feedback.objects.filter(submission_key=submission_key).first()
        if item is not None:
            if item.forwarded_by_id != forwarded_by.pk:
                raise PermissionDenied("That form was submitted by someone else.")
            return item
    if rating is not None:
        return Feedback.objects.filter(rating=rating).first()
    return None


def feedback_forward_rating(*, rating: Rating, forwarded_by: Any) -> tuple[Feedback, bool]:
    """One click: a bad rating with a comment becomes a feedback item, prefilled from it.

    Idempotent: a rating becomes at most one item; asking again returns that item (False).
    """
    existing = Feedback.objects.filter(rating=rating).first()
    if existing is not None:
        return existing, False
    if not rating.can_become_feedback or rating.account is None:
        raise FeedbackError("Only a bad rating with a comment, on a known account, becomes feedback.")
    reason = f"Zendesk satisfaction survey: rated bad{f' ({rating.reason})' if rating.reason else ''}."
    item = feedback_forward(
        forwarded_by=forwarded_by,
        account=rating.account,
        sentiment=Sentiment.NEGATIVE,
        channel=Channel.SURVEY,
        customer_words=rating.comment,
        csm_context=reason,
        ticket=rating.ticket,
        zd_ticket_id=rating.zd_ticket_id,
        zd_instance=rating.zd_instance,
        rating=rating,
    )
    return item, True


def feedback_reassign(*, feedback: Feedback, manager: Any, by: Any, note: str = "") -> Feedback:
    """A manager hands an open item to another manager (or takes it)."""
    if not is_manager(by):
        raise PermissionDenied("Only support managers reassign feedback.")
    if not is_assignable(manager):
        raise FeedbackError(f"{manager} is not an active support manager.")
    about = item_instance(feedback)
    if about and not cleared_among([manager.pk], about):
        raise FeedbackError(f"{manager} is not cleared for this item's Zendesk instance.")
    previous = feedback.reviewing_manager_id
    if previous == manager.pk:
        raise FeedbackError(f"It is already with {manager}.")
    now = timezone.now()
    with transaction.atomic():
        changed = (
            Feedback.objects.filter(pk=feedback.pk, status__in=OPEN_FEEDBACK)
            .exclude(reviewing_manager=manager)
            .update(reviewing_manager=manager, assigned_at=now, updated_at=now)
        )
        if not changed:
            raise FeedbackError("It is closed or already with that manager; reload the page.")
        feedback.refresh_from_db()
        feedback_event_record(
            feedback=feedback,
            actor=by,
            kind=EventKind.REASSIGNED,
            body=note.strip(),
            detail={"from": previous, "to": manager.pk},
        )
        account_event_record(
            account=feedback.account,
            actor=by,
            verb="feedback.reassigned",
            summary=f"Feedback {feedback.pk} assigned to {manager}",
            detail={"feedback": feedback.pk, "from": previous, "to": manager.pk},
        )
    return feedback


def feedback_comment(*, feedback: Feedback, by: Any, body: str) -> FeedbackEvent:
    """Anyone who may see the item comments on it; the other side is emailed."""
    if not can_view(by, feedback):
        raise PermissionDenied("You cannot comment on this feedback.")
    body = body.strip()
    if not body:
        raise ValidationError("Write a comment first.")
    with transaction.atomic():
        event = feedback_event_record(
            feedback=feedback, actor=by, kind=EventKind.COMMENTED, body=body[:MAX_TEXT]
        )
        if is_manager(by):
            # A manager's reply counts as the first response.
            Feedback.objects.filter(pk=feedback.pk, first_responded_at__isnull=True).update(
                first_responded_at=event.created_at
            )
    return event


def rotation_week_set(*, week_start: dt.date, manager: Any | None, set_by: Any) -> RotationWeek:
    """An admin puts a manager on duty for a week (None: nobody).

    Setting this week's manager also assigns the new items nobody was on duty for.
    """
    if not is_admin(set_by):
        raise PermissionDenied("Only admins set the review rotation.")
    if week_start.weekday() != 0:
        raise ValidationError("A rotation week starts on a Monday.")
    if manager is not None and not is_assignable(manager):
        raise ValidationError(f"{manager} is not an active support manager.")
    with transaction.atomic():
        week, _ = RotationWeek.objects.update_or_create(
            week_start=week_start, defaults={"manager": manager, "set_by": set_by}
        )
        message = f"Set the week of {week_start:%d %b %Y} to {manager or 'nobody'}."
        audit_record(actor=set_by, obj=week, message=message)
        if manager is not None and week_start == current_week_start():
            assign_waiting_items(manager)
    return week


def assign_waiting_items(manager: Any) -> None:
    """The new unassigned items go to the manager now on duty, but those about a restricted
    instance they are not cleared for (they wait for a cleared manager)."""
    now = timezone.now()
    unassigned = Feedback.objects.filter(status=FeedbackStatus.NEW, reviewing_manager__isnull=True)
    waiting = list(visible_feedback(unassigned, manager).values_list("pk", flat=True))
    for pk in waiting:
        if Feedback.objects.filter(pk=pk, reviewing_manager__isnull=True).update(
            reviewing_manager=manager, assigned_at=now, updated_at=now
        ):
            item = Feedback(pk=pk)
            feedback_event_record(
                feedback=item,
                actor=None,
                kind=EventKind.ASSIGNED,
                detail={"to": manager.pk, "why": "on duty"},
            )


def feedback_link_tickets(*, ticket_ids: list[int]) -> int:
    """Link items forwarded with a ticket number the portal didn't have yet (after a sync). A
    ticket of a restricted instance is linked only to items whose forwarder is cleared for it."""
    pending: set[tuple[str, int | None]] = set(
        Feedback.objects.filter(ticket__isnull=True, zd_ticket_id__isnull=False).values_list(
            "zd_instance", "zd_ticket_id"
        )
    )
    if not pending or not ticket_ids:
        return 0
    linked = 0
    numbers = {n for _, n in pending if n is not None}
    for ticket in Ticket.objects.filter(pk__in=ticket_ids, zd_id__in=numbers):
        if (ticket.zd_instance, ticket.zd_id) not in pending:
            continue  # the same number in another instance
        key = restricted_key(ticket.zd_instance)
        with transaction.atomic():
            items = list(
                Feedback.objects.select_for_update().filter(
                    ticket__isnull=True, zd_ticket_id=ticket.zd_id, zd_instance=ticket.zd_instance
                )
            )
            if key:  # a restricted instance's ticket of that number: only a cleared forwarder meant it
                cleared = cleared_among({item.forwarded_by_id for item in items}, key)
                items = [item for item in items if item.forwarded_by_id in cleared]
            for item in items:
                item.ticket = ticket
                item.save(update_fields=["ticket", "updated_at"])
                feedback_event_record(
                    feedback=item, actor=None, kind=EventKind.TICKET_LINKED, detail={"ticket": ticket.zd_id}
                )
                linked += 1
    return linked


def feedback_event_record(
    *,
    feedback: Feedback,
    actor: Any | None,
    kind: str,
    from_status: str = "",
    to_status: str = "",
    body: str = "",
    detail: dict | None = None,
) -> FeedbackEvent:
    """Add a line to the item's history; events that email queue their email on commit."""
    event = FeedbackEvent.objects.create(
        feedback=feedback,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        body=body,
        detail=detail or {},
    )
    if kind in EMAILING_KINDS:
        enqueue_after_commit(tasks.email_event, event.pk)
    if gitlab_configured() and tracker.wants_push(event):
        enqueue_after_commit(tasks.gitlab_push_event, event.pk)
    return event


def enqueue_after_commit(task: Any, *args: int) -> None:
    """Queue a task (by ids) once the current transaction commits; never for a rolled-back change."""
    transaction.on_commit(lambda: task.delay(*args))
