"""Who each app's events are addressed to: the bell's readers of the apps' own histories.

Connected to post_save of `supportops.RequestEvent`, `feedback.FeedbackEvent` and
`accounts.AccountEvent` (apps.py), so the bell row is written in the same transaction as the
event: a rolled-back change leaves no notification, and a committed one always has its rows.
Events nobody is addressed by (an org link confirmed, a checklist started) cost no query.
"""

from typing import Any

from django.urls import reverse

from csmportal.clearance import restricted_key
from csmportal.instances import restricted_keys

from .models import Kind, Reason
from .person_events import PersonEvent, person_event_notify


def _notify(
    source: Any,
    kind: str,
    summary: str,
    link: str,
    account_id: int,
    people: list[tuple[Any, str]],
    instance: str = "",
) -> None:
    """Put one source event (a history row with an `actor`) in its people's bells."""
    event = PersonEvent(
        key=f"{source._meta.label}:{source.pk}",  # e.g. "supportops.RequestEvent:12"
        kind=kind,
        summary=summary,
        link=link,
        actor=source.actor,
        account_id=account_id,
        instance=instance,
    )
    person_event_notify(event=event, recipients=people)


# -- support-ops requests ------------------------------------------------------------------------

# verb -> (kind, what the requester side reads; {ref} {actor})
_REQUEST_TO_REQUESTER = {
    "claimed": (Kind.CLAIMED, "{actor} claimed your request {ref}"),
    "done": (Kind.DONE, "{actor} marked your request {ref} done (awaiting verification in Zendesk)"),
    "verified": (Kind.VERIFIED, "Your request {ref} is verified in Zendesk and closed"),
    "declined": (Kind.DECLINED, "{actor} declined your request {ref}"),
}
# verb -> (kind, what the support-ops person holding the request reads)
_REQUEST_TO_CLAIMER = {
    "flagged": (Kind.FLAGGED, "Request {ref} you marked done is not in Zendesk after a day"),
    "cancelled": (Kind.CANCELLED, "{actor} cancelled request {ref} you claimed"),
}


def on_request_event(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    verb = instance.verb
    if not created or not (
        verb in _REQUEST_TO_REQUESTER or verb in _REQUEST_TO_CLAIMER or verb == "commented"
    ):
        return
    item = instance.request
    people: list[tuple[Any, str]]
    requester_side: list[tuple[Any, str]] = [
        (item.requested_by, Reason.REQUESTER),
        (item.account.csm, Reason.CSM),
    ]
    kind_label = str(item.get_kind_display())
    what = f"{item.reference} ({kind_label[:1].lower()}{kind_label[1:]}, {item.account.name})"
    actor = instance.actor or "The portal"
    if verb == "commented":
        on_requester_side = instance.actor_id in (item.requested_by_id, item.account.csm_id)
        kind = Kind.COMMENTED
        if on_requester_side:
            people = [(item.claimed_by, Reason.ASSIGNEE)]
            summary = f"{actor} commented on request {what} you claimed"
        else:
            people = requester_side
            summary = f"{actor} commented on your request {what}"
    elif verb in _REQUEST_TO_REQUESTER:
        kind, line = _REQUEST_TO_REQUESTER[verb]
        people, summary = requester_side, line.format(actor=actor, ref=what)
    else:
        kind, line = _REQUEST_TO_CLAIMER[verb]
        people, summary = [(item.claimed_by, Reason.ASSIGNEE)], line.format(actor=actor, ref=what)
    _notify(
        instance,
        kind,
        summary,
        reverse("supportops:detail", args=[item.pk]),
        item.account_id,
        people,
        instance=_request_instance(item),
    )


def _request_instance(item: Any) -> str:
    """The restricted instance a request's organization belongs to, else "" (no query unless a
    restricted instance is configured)."""
    if not restricted_keys() or not item.organization_id:
        return ""
    return restricted_key(item.organization.zd_instance) or ""


# -- forwarded feedback --------------------------------------------------------------------------

_FEEDBACK_TO_CSM_SIDE = {
    "triaged": (Kind.TRIAGED, "{actor} triaged your feedback on {account}"),
    "actioned": (Kind.ACTIONED, "{actor} actioned your feedback on {account}"),
    "closed": (Kind.CLOSED, "{actor} closed your feedback on {account}"),
    "reopened": (Kind.REOPENED, "{actor} reopened your feedback on {account}"),
}
_FEEDBACK_KINDS = {"assigned", "reassigned", "commented", *_FEEDBACK_TO_CSM_SIDE}


def on_feedback_event(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created or instance.kind not in _FEEDBACK_KINDS:
        return
    from feedback.models import Feedback
    from feedback.selectors import is_manager

    item = Feedback.objects.select_related(
        "account__csm", "forwarded_by", "reviewing_manager", "ticket", "rating"
    ).get(pk=instance.feedback_id)
    account = item.account.name
    actor = instance.actor or "The portal"
    people: list[tuple[Any, str]]
    csm_side: list[tuple[Any, str]] = [(item.forwarded_by, Reason.FORWARDER), (item.account.csm, Reason.CSM)]
    kind_ = instance.kind
    if kind_ in ("assigned", "reassigned"):
        manager = item.reviewing_manager
        if manager is None or manager.pk != instance.detail.get("to"):
            return  # assigned to someone else since
        kind, people = Kind.ASSIGNED, [(manager, Reason.ASSIGNEE)]
        summary = f"Feedback on {account} is assigned to you" + (
            f" by {instance.actor}" if instance.actor else " (you are on duty)"
        )
    elif kind_ == "commented":
        kind = Kind.COMMENTED
        if instance.actor is not None and is_manager(instance.actor):
            people, summary = csm_side, f"{actor} commented on your feedback on {account}"
        else:
            people = [(item.reviewing_manager, Reason.ASSIGNEE)]
            summary = f"{actor} commented on feedback on {account} you are reviewing"
    else:
        kind, line = _FEEDBACK_TO_CSM_SIDE[kind_]
        people, summary = csm_side, line.format(actor=actor, account=account)
    about = restricted_key(
        item.ticket.zd_instance if item.ticket else None, item.rating.zd_instance if item.rating else None
    )
    _notify(
        instance,
        kind,
        summary,
        reverse("feedback:detail", args=[item.pk]),
        item.account_id,
        people,
        instance=about or "",
    )


# -- the account audit trail ---------------------------------------------------------------------


def on_account_event(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A checklist step assigned to someone; an account handed over to a new CSM (by the sync).

    An account that had no CSM before (a new login matched to its Salesforce user gets all its
    accounts at once) is no handover: its new CSM sees their portfolio, not a bell full of it."""
    if not created or instance.verb not in ("checklist.step_assigned", "sync.csm_changed"):
        return
    from users.models import User

    detail = instance.detail or {}
    if instance.verb == "sync.csm_changed" and not detail.get("from"):
        return
    person_id = detail.get("owner") if instance.verb == "checklist.step_assigned" else detail.get("to")
    person = User.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        return
    account = instance.account
    if instance.verb == "sync.csm_changed":
        summary = f"{account.name} is handed over to you: you are its CSM now (Salesforce)"
        reason = Reason.CSM
    else:
        summary = f"{instance.actor or 'The portal'} assigned you an onboarding step of {account.name}: "
        summary += instance.summary.removeprefix("Assigned ").rsplit(" to ", 1)[0]
        reason = Reason.ASSIGNEE
    _notify(
        instance,
        Kind.ASSIGNED,
        summary,
        reverse("accounts:detail", args=[account.pk]),
        account.pk,
        [(person, reason)],
    )
