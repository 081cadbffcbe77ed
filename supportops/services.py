"""Writes on support-ops requests. Every change is a RequestEvent, an account audit line and,
when someone should hear about it, an email sent after the transaction commits.

Status changes are conditional UPDATEs (`status IN (...)` and, where it matters, who holds
the claim): two people acting at once cannot both win; the loser gets `RequestConflict`.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.checklist_models import StepAction
from accounts.models import Organization
from accounts.services import account_event_record
from accounts.services.checklists import checklist_action_done
from users.roles import is_admin

from .models import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    EventVerb,
    OpsRequest,
    RequestEvent,
    RequestKind,
    RequestStatus,
)
from .selectors import actions_for, can_file_for, may_ever
from .step_actions import notes_request_evidence
from .text import correction_text, link_fix_text, normalise_notes, notes_text

# A request marked done but still not visible in Zendesk after this long is flagged.
STALE_AFTER = dt.timedelta(days=1)


class RequestConflict(Exception):
    """The request changed under the user (someone else acted first); nothing was changed."""


class DuplicateRequest(Exception):
    """The org already has an active correction request."""

    def __init__(self, existing: OpsRequest | None) -> None:
        super().__init__("This organization already has an active correction request.")
        self.existing = existing


# -- filing --------------------------------------------------------------------------------------


def ops_request_open_correction(
    *, user: Any, organization: Organization, am_project_id: str, project_url: str
) -> OpsRequest:
    """File the handbook's "the AM ID should therefore be" request for one org."""
    return _open(
        user,
        organization,
        kind=RequestKind.AM_PROJECT_ID,
        body=correction_text(
            zd_organization_id=organization.zd_id,
            am_project_id=am_project_id,
            project_url=project_url,
            zd_instance=organization.zd_instance,
        ),
        summary=(
            f"Asked support ops to change the collaboration project ID of {organization.name} "
            f"from {organization.am_project_id or '(none)'} to {am_project_id}"
        ),
        current_am_project_id=organization.am_project_id,
        requested_am_project_id=am_project_id,
        project_url=project_url,
    )


def ops_request_open_notes(*, user: Any, organization: Organization, notes: str) -> OpsRequest:
    """File a request to attach static notes to the org (shown on each new ticket)."""
    notes = notes.strip()
    with transaction.atomic():
        item = _open(
            user,
            organization,
            kind=RequestKind.ORG_NOTES,
            body=notes_text(
                zd_organization_id=organization.zd_id, notes=notes, zd_instance=organization.zd_instance
            ),
            summary=f"Asked support ops to add static notes to {organization.name}",
            notes=notes,
        )
        # The onboarding step "Static organization notes" is done, with this request as evidence.
        checklist_action_done(
            account_id=item.account_id,
            action=StepAction.NOTES_REQUEST,
            evidence=notes_request_evidence(item),
            actor=user,
        )
    return item


def ops_request_open_link_fix(*, user: Any, organization: Organization) -> OpsRequest:
    """Ask support ops to correct the `salesforce_id` of an org that claims an account whose name
    and domains it does not share (one click on the account page: the text is all prefilled).
    The org sync verifies it once the org no longer points at the account."""
    from accounts.recipients import organization_domains

    account_name = organization.account.name if organization.account else ""
    return _open(
        user,
        organization,
        kind=RequestKind.ORG_LINK,
        body=link_fix_text(
            zd_organization_id=organization.zd_id,
            organization_name=organization.name,
            domains=sorted(organization_domains(organization)),
            salesforce_id=organization.salesforce_id,
            account_name=account_name,
            zd_instance=organization.zd_instance,
        ),
        summary=(
            f"Asked support ops to correct the salesforce_id of {organization.name}, "
            f"which claims {account_name}"
        ),
    )


def _open(
    user: Any, organization: Organization, *, kind: str, body: str, summary: str, **fields: Any
) -> OpsRequest:
    """File a request of `kind` for the org (its account's CSM or an admin), with its event and
    audit line. A second active request where only one may be (a constraint) is DuplicateRequest."""
    account = _filing_account(user, organization)
    try:
        with transaction.atomic():
            item = OpsRequest.objects.create(
                kind=kind,
                account=account,
                organization=organization,
                zd_organization_id=organization.zd_id,
                zd_instance=organization.zd_instance,
                requested_by=user,
                body=body,
                **fields,
            )
            _record(item, actor=user, verb=EventVerb.OPENED, to_status=RequestStatus.OPEN, summary=summary)
    except IntegrityError as exc:
        from .selectors import active_of_kind

        raise DuplicateRequest(active_of_kind(organization, kind)) from exc
    return item


def _filing_account(user: Any, organization: Organization) -> Any:
    account = organization.account
    if account is None or not can_file_for(user, account):
        raise PermissionDenied("Only the account's CSM can ask support ops to change its organization.")
    return account


# -- the queue -------------------------------------------------------------------------------------


def ops_request_claim(*, user: Any, ops_request: OpsRequest) -> OpsRequest:
    _require(user, ops_request, "claim")
    now = timezone.now()
    return _transition(
        ops_request,
        actor=user,
        allowed=Q(status__in=[RequestStatus.OPEN, RequestStatus.FLAGGED]),
        to_status=RequestStatus.CLAIMED,
        verb=EventVerb.CLAIMED,
        summary="Support ops claimed the request",
        fields={"claimed_by": user, "claimed_at": now},
    )


def ops_request_release(*, user: Any, ops_request: OpsRequest) -> OpsRequest:
    _require(user, ops_request, "release")
    return _transition(
        ops_request,
        actor=user,
        allowed=Q(status=RequestStatus.CLAIMED) & _holder_q(user),
        to_status=RequestStatus.OPEN,
        verb=EventVerb.RELEASED,
        summary="Support ops released the request back to the queue",
        fields={"claimed_by": None, "claimed_at": None},
    )


def ops_request_mark_done(*, user: Any, ops_request: OpsRequest, text: str = "") -> OpsRequest:
    """Support ops say it is changed in Zendesk; the next org sync verifies it."""
    _require(user, ops_request, "done")
    now = timezone.now()
    fields: dict[str, Any] = {"done_at": now}
    if ops_request.claimed_by_id is None or ops_request.status != RequestStatus.CLAIMED:
        fields.update(claimed_by=user, claimed_at=now)
    return _transition(
        ops_request,
        actor=user,
        allowed=Q(status__in=[RequestStatus.OPEN, RequestStatus.FLAGGED])
        | (Q(status=RequestStatus.CLAIMED) & _holder_q(user)),
        to_status=RequestStatus.DONE,
        verb=EventVerb.DONE,
        text=text.strip(),
        summary="Support ops marked the request done (awaiting verification in Zendesk)",
        fields=fields,
    )


def ops_request_decline(*, user: Any, ops_request: OpsRequest, reason: str) -> OpsRequest:
    _require(user, ops_request, "decline")
    if not reason.strip():
        raise ValueError("Say why the request is declined.")
    return _transition(
        ops_request,
        actor=user,
        allowed=Q(status__in=[RequestStatus.OPEN, RequestStatus.FLAGGED])
        | (Q(status=RequestStatus.CLAIMED) & _holder_q(user)),
        to_status=RequestStatus.DECLINED,
        verb=EventVerb.DECLINED,
        text=reason.strip(),
        summary="Support ops declined the request",
        fields={"closed_at": timezone.now()},
    )


def ops_request_cancel(*, user: Any, ops_request: OpsRequest, reason: str = "") -> OpsRequest:
    _require(user, ops_request, "cancel")
    return _transition(
        ops_request,
        actor=user,
        allowed=Q(status__in=[RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.FLAGGED]),
        to_status=RequestStatus.CANCELLED,
        verb=EventVerb.CANCELLED,
        text=reason.strip(),
        summary="The CSM cancelled the request",
        fields={"closed_at": timezone.now()},
    )


def ops_request_confirm(*, user: Any, ops_request: OpsRequest) -> OpsRequest:
    """The CSM confirms a notes request shows in Zendesk (support ops may have reworded it)."""
    _require(user, ops_request, "confirm")
    return _transition(
        ops_request,
        actor=user,
        allowed=Q(status__in=[RequestStatus.DONE, RequestStatus.FLAGGED]),
        to_status=RequestStatus.VERIFIED,
        verb=EventVerb.CONFIRMED,
        summary="The CSM confirmed the notes are on the Zendesk organization",
        fields={"closed_at": timezone.now()},
    )


def ops_request_comment(*, user: Any, ops_request: OpsRequest, text: str) -> RequestEvent:
    _require(user, ops_request, "comment")
    text = text.strip()
    if not text:
        raise ValueError("Write a comment first.")
    with transaction.atomic():
        OpsRequest.objects.filter(pk=ops_request.pk).update(updated_at=timezone.now())
        return _record(
            ops_request,
            actor=user,
            verb=EventVerb.COMMENTED,
            text=text,
            summary=f"{user} commented on the request",
        )


# -- closing the loop ------------------------------------------------------------------------------


def ops_requests_verify(*, organization_ids: list[int] | None = None) -> list[int]:
    """Close active requests whose change now shows on the synced org. Idempotent.

    `organization_ids` limits the check to orgs a sync page just changed; None checks all.
    Returns the ids of the requests verified.
    """
    candidates = OpsRequest.objects.filter(
        status__in=ACTIVE_STATUSES, organization__isnull=False
    ).select_related("organization", "account", "requested_by", "claimed_by")
    if organization_ids is not None:
        if not organization_ids:
            return []
        candidates = candidates.filter(organization_id__in=organization_ids)
    verified = []
    for item in candidates:
        seen = _seen_in_zendesk(item)
        if seen is None:
            continue
        try:
            _transition(
                item,
                actor=None,
                allowed=Q(status__in=ACTIVE_STATUSES),
                to_status=RequestStatus.VERIFIED,
                verb=EventVerb.VERIFIED,
                text=seen,
                summary=f"The portal verified request {item.reference} in Zendesk and closed it",
                fields={"closed_at": timezone.now()},
            )
        except RequestConflict:
            continue  # someone closed it meanwhile: nothing to verify
        verified.append(item.pk)
    return verified


def ops_requests_flag_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Flag requests marked done more than a day ago that Zendesk still doesn't show. Idempotent."""
    now = now or timezone.now()
    stale = OpsRequest.objects.filter(
        status=RequestStatus.DONE, done_at__lte=now - STALE_AFTER
    ).select_related("organization", "account", "requested_by", "claimed_by")
    flagged = []
    for item in stale:
        if item.organization_id is not None and _seen_in_zendesk(item) is not None:
            ops_requests_verify(organization_ids=[item.organization_id])  # missed by a sync: close it
            continue
        try:
            _transition(
                item,
                actor=None,
                allowed=Q(status=RequestStatus.DONE, done_at__lte=now - STALE_AFTER),
                to_status=RequestStatus.FLAGGED,
                verb=EventVerb.FLAGGED,
                text=_not_seen_text(item),
                summary=f"Request {item.reference} is done but not reflected in Zendesk after a day",
                fields={"flagged_at": now},
            )
        except RequestConflict:
            continue
        flagged.append(item.pk)
    return flagged


def _normalise_am_id(value: str) -> str:
    value = (value or "").strip()
    return str(int(value)) if value.isdecimal() else value


def _seen_in_zendesk(item: OpsRequest) -> str | None:
    """What the synced org shows that proves the request was carried out, or None."""
    org = item.organization
    if org is None:
        return None
    if item.kind == RequestKind.ORG_LINK:
        if org.deleted_at is None and org.account_id == item.account_id:
            return None
        return (
            f"Zendesk now shows salesforce_id {org.salesforce_id or '(none)'} on the organization "
            f"“{org.name}”{' (deleted in Zendesk)' if org.deleted_at else ''}: it no longer claims "
            f"{item.account.name}."
        )
    if item.kind == RequestKind.AM_PROJECT_ID:
        wanted = _normalise_am_id(item.requested_am_project_id)
        if wanted and _normalise_am_id(org.am_project_id) == wanted:
            return f"Zendesk now shows collaboration project ID {wanted} on the organization “{org.name}”."
        return None
    wanted_notes = normalise_notes(item.notes)
    if wanted_notes and wanted_notes in normalise_notes(org.notes):
        return f"The notes are now on the Zendesk organization “{org.name}”."
    return None


def _not_seen_text(item: OpsRequest) -> str:
    org = item.organization
    if org is None:
        return "The organization is no longer in the portal's copy of Zendesk."
    if item.kind == RequestKind.ORG_LINK:
        return (
            f"Marked done, but Zendesk still shows salesforce_id {org.salesforce_id} on the "
            f"organization “{org.name}”, which links it to {item.account.name}."
        )
    if item.kind == RequestKind.AM_PROJECT_ID:
        return (
            "Marked done, but Zendesk still shows collaboration project ID "
            f"{org.am_project_id or '(none)'} on the "
            f"organization “{org.name}” instead of {item.requested_am_project_id}."
        )
    return f"Marked done, but the notes are not on the Zendesk organization “{org.name}”."


# -- plumbing --------------------------------------------------------------------------------------


def _require(user: Any, item: OpsRequest, action: str) -> None:
    """PermissionDenied when the user may never do this; RequestConflict when not in this status."""
    if getattr(actions_for(user, item), action):
        return
    if not may_ever(user, item, action):
        raise PermissionDenied("Your role does not let you do that with this request.")
    raise _conflict(item)


def _conflict(item: OpsRequest) -> RequestConflict:
    return RequestConflict(
        f"Request {item.reference} is now “{item.get_status_display()}”"
        + (f", claimed by {item.claimed_by}" if item.claimed_by_id else "")
        + "; nothing was changed."
    )


def _holder_q(user: Any) -> Q:
    """The claim holder (or an admin) may work a claimed request."""
    return Q() if is_admin(user) else Q(claimed_by=user)


def _transition(
    item: OpsRequest,
    *,
    actor: Any | None,
    allowed: Q,
    to_status: str,
    verb: str,
    summary: str,
    text: str = "",
    fields: dict[str, Any] | None = None,
) -> OpsRequest:
    from_status = item.status
    with transaction.atomic():
        changed = (
            OpsRequest.objects.filter(allowed, pk=item.pk)
            .exclude(status=to_status)
            .update(status=to_status, updated_at=timezone.now(), **(fields or {}))
        )
        if not changed:
            item.refresh_from_db()
            raise _conflict(item)
        item.refresh_from_db()
        _record(
            item,
            actor=actor,
            verb=verb,
            from_status=from_status,
            to_status=to_status,
            text=text,
            summary=summary,
        )
    return item


def _record(
    item: OpsRequest,
    *,
    actor: Any | None,
    verb: str,
    summary: str,
    text: str = "",
    from_status: str = "",
    to_status: str = "",
) -> RequestEvent:
    event = RequestEvent.objects.create(
        request=item,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        from_status=from_status,
        to_status=to_status,
        text=text,
    )
    account_event_record(
        account=item.account,
        actor=actor,
        verb=f"request.{verb}",
        summary=f"{summary} ({item.reference})" if item.reference not in summary else summary,
        detail={"request": item.pk, "kind": item.kind, "status": item.status, "event": event.pk},
    )
    from integrations.gitlab import configured

    from .tasks import gitlab_push_event, send_request_event_email

    transaction.on_commit(lambda: send_request_event_email.delay(event.pk))
    to_gitlab = verb == EventVerb.OPENED or actor is not None or to_status in CLOSED_STATUSES
    if to_gitlab and configured():
        transaction.on_commit(lambda: gitlab_push_event.delay(event.pk))
    return event
