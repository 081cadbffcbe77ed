"""The feedback state machine: new -> triaged -> actioned -> closed (and reopen).

    triage  new                 -> triaged   (the handbook's Summary / Action / Contact customer /
                                              Make CSM aware; the first response)
    action  triaged             -> actioned  (what was done: the outcome the CSM reads)
    close   triaged, actioned   -> closed    (from triaged: nothing to do, and why)
    reopen  actioned, closed    -> triaged   (with a reason)

Only support managers (and admins) move items. Each move is one conditional UPDATE
(`WHERE status IN <allowed sources>`), so two managers acting at once cannot both win and an
illegal move changes nothing; each move is an item event and a line in the account's trail.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from accounts.services import account_event_record

from .models import EventKind, Feedback, FeedbackStatus
from .selectors import is_manager
from .services import MAX_TEXT, FeedbackError, feedback_event_record

S = FeedbackStatus


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    event: str
    verb: str  # the account audit trail's verb


TRANSITIONS: dict[str, Transition] = {
    "triage": Transition(frozenset({S.NEW}), S.TRIAGED, EventKind.TRIAGED, "feedback.triaged"),
    "action": Transition(frozenset({S.TRIAGED}), S.ACTIONED, EventKind.ACTIONED, "feedback.actioned"),
    "close": Transition(frozenset({S.TRIAGED, S.ACTIONED}), S.CLOSED, EventKind.CLOSED, "feedback.closed"),
    "reopen": Transition(
        frozenset({S.ACTIONED, S.CLOSED}), S.TRIAGED, EventKind.REOPENED, "feedback.reopened"
    ),
}


class IllegalTransition(FeedbackError):
    pass


def allowed_moves(status: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if status in t.sources]


def _move(
    item: Feedback,
    name: str,
    *,
    by: Any,
    body: str = "",
    fields: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> tuple[Feedback, str]:
    """Apply one transition; returns the item (reloaded) and the status it came from."""
    if not is_manager(by):
        raise PermissionDenied("Only support managers triage, action and close feedback.")
    move = TRANSITIONS[name]
    now = timezone.now()
    with transaction.atomic():
        # Lock-free claim: the UPDATE only matches while the item is still in a legal source state.
        source = Feedback.objects.filter(pk=item.pk).values_list("status", flat=True).first()
        changed = Feedback.objects.filter(pk=item.pk, status=source, status__in=move.sources).update(
            status=move.target, updated_at=now, **(fields or {})
        )
        if not changed:
            current = Feedback.objects.filter(pk=item.pk).values_list("status", flat=True).first()
            label = S(current).label.lower() if current else "gone"
            raise IllegalTransition(
                f"This item is {label} now, so it cannot be {_past(name)}. Reload the page."
            )
        item.refresh_from_db()
        assert source is not None
        feedback_event_record(
            feedback=item,
            actor=by,
            kind=move.event,
            from_status=source,
            to_status=move.target,
            body=body,
            detail=detail,
        )
        account_event_record(
            account=item.account,
            actor=by,
            verb=move.verb,
            summary=f"Feedback {item.pk} {_past(name)} by {by}",
            detail={"feedback": item.pk, "from": source, "to": move.target},
        )
    return item, source


def _past(name: str) -> str:
    return {"triage": "triaged", "action": "actioned", "close": "closed", "reopen": "reopened"}[name]


def feedback_triage(
    *,
    feedback: Feedback,
    by: Any,
    summary: str,
    action: str,
    contact_customer: bool,
    make_csm_aware: bool,
) -> Feedback:
    """Triage a new item with the handbook's fields. This is the first response."""
    summary, action = summary.strip()[:MAX_TEXT], action.strip()[:MAX_TEXT]
    if not summary or not action:
        raise FeedbackError("Triage needs a summary and an action.")
    now = timezone.now()
    item, _ = _move(
        feedback,
        "triage",
        by=by,
        fields={
            "summary": summary,
            "action": action,
            "contact_customer": contact_customer,
            "make_csm_aware": make_csm_aware,
            "triaged_at": now,
            "first_responded_at": Coalesce(F("first_responded_at"), Value(now)),
            # Whoever triages an unassigned item becomes its reviewing manager.
            "reviewing_manager_id": Coalesce(F("reviewing_manager_id"), Value(by.pk)),
            "assigned_at": Coalesce(F("assigned_at"), Value(now)),
        },
        detail={"make_csm_aware": make_csm_aware, "contact_customer": contact_customer},
    )
    return item


def feedback_triage_edit(
    *,
    feedback: Feedback,
    by: Any,
    summary: str,
    action: str,
    contact_customer: bool,
    make_csm_aware: bool,
) -> Feedback:
    """Correct the triage of an item still being worked (no change of state)."""
    if not is_manager(by):
        raise PermissionDenied("Only support managers triage feedback.")
    summary, action = summary.strip()[:MAX_TEXT], action.strip()[:MAX_TEXT]
    if not summary or not action:
        raise FeedbackError("Triage needs a summary and an action.")
    with transaction.atomic():
        changed = Feedback.objects.filter(pk=feedback.pk, status__in=[S.TRIAGED, S.ACTIONED]).update(
            summary=summary,
            action=action,
            contact_customer=contact_customer,
            make_csm_aware=make_csm_aware,
            updated_at=timezone.now(),
        )
        if not changed:
            raise IllegalTransition(
                "Only a triaged or actioned item's triage can be edited. Reload the page."
            )
        feedback.refresh_from_db()
        feedback_event_record(
            feedback=feedback,
            actor=by,
            kind=EventKind.TRIAGE_EDITED,
            detail={"summary": summary, "action": action},
        )
    return feedback


def feedback_mark_actioned(*, feedback: Feedback, by: Any, outcome: str) -> Feedback:
    """The action was taken; `outcome` says what was done (the CSM is emailed)."""
    outcome = outcome.strip()[:MAX_TEXT]
    if not outcome:
        raise FeedbackError("Say what was done: the CSM reads it as the outcome.")
    item, _ = _move(
        feedback, "action", by=by, body=outcome, fields={"outcome": outcome, "actioned_at": timezone.now()}
    )
    return item


def feedback_close(*, feedback: Feedback, by: Any, outcome: str = "") -> Feedback:
    """Close an item. From triaged (nothing to do), `outcome` says why and becomes the outcome;
    after "actioned" it is an optional closing note and the actioned outcome stays."""
    outcome = outcome.strip()[:MAX_TEXT]
    if not outcome and not feedback.outcome:
        raise FeedbackError("Say what came of it before closing: the CSM reads it as the outcome.")
    fields: dict[str, Any] = {"closed_at": timezone.now()}
    if outcome:
        # Keep an outcome already written; otherwise this text is the outcome.
        fields["outcome"] = Coalesce(NullIf(F("outcome"), Value("")), Value(outcome))
    item, _ = _move(feedback, "close", by=by, body=outcome, fields=fields)
    return item


def feedback_reopen(*, feedback: Feedback, by: Any, reason: str) -> Feedback:
    """Back to work (e.g. the customer is still unhappy): triaged again, with the reason."""
    reason = reason.strip()[:MAX_TEXT]
    if not reason:
        raise FeedbackError("Say why it is reopened.")
    item, _ = _move(feedback, "reopen", by=by, body=reason, fields={"closed_at": None})
    return item
