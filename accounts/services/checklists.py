"""Writes on onboarding checklists. Every change lands in the account's audit trail.

Permission rules are enforced by the selectors that hand objects to the views
(`accounts.selectors.get_step_for_user` and friends); these functions enforce the step rules
(an automatic step is never completed by hand, only custom steps can be removed, ...).
"""

from collections.abc import Iterable
from itertools import islice
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from csmportal.versions import bump_accounts

from ..checklist_models import (
    FINISHED_STATUSES,
    Checklist,
    ChecklistStep,
    ChecklistTemplate,
    EmailTemplate,
    StepKind,
    StepStatus,
)
from ..checks import evaluate, load_facts
from ..models import Account, AccountEvent
from ..step_actions import Evidence, step_action
from . import account_event_record


class StepError(ValueError):
    """A step action that the step's rules do not allow (shown to the user as is)."""


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(step: ChecklistStep, actor: Any, verb: str, summary: str, **detail: Any) -> None:
    account_event_record(
        account=step.checklist.account,
        actor=actor,
        verb=verb,
        summary=summary,
        detail={"checklist": step.checklist_id, "step": step.pk, **detail},
    )


def _locked(step: ChecklistStep) -> ChecklistStep:
    """Re-read the step under a row lock (two people acting at once cannot both win)."""
    return (
        ChecklistStep.objects.select_for_update(of=("self",))
        .select_related("checklist__account")
        .get(pk=step.pk)
    )


def checklist_start(*, account: Account, template: ChecklistTemplate, actor: Any) -> Checklist:
    """Copy the template's latest published version into the account's checklist, then check it."""
    version = template.versions.order_by("-number").first()
    if version is None:
        raise StepError(f"“{template.name}” has no published version yet.")
    email_templates = EmailTemplate.objects.in_bulk(
        [s["email_template_key"] for s in version.steps if s.get("email_template_key")], field_name="key"
    )
    try:
        with transaction.atomic():
            checklist = Checklist.objects.create(
                account=account,
                template=template,
                template_version=version,
                name=version.name,
                started_by=_actor(actor),
            )
            ChecklistStep.objects.bulk_create(
                ChecklistStep(
                    checklist=checklist,
                    position=position,
                    title=s["title"],
                    description=s.get("description", ""),
                    kind=s["kind"],
                    check_key=s.get("check_key", ""),
                    email_template=email_templates.get(s.get("email_template_key") or ""),
                    action=s.get("action", ""),
                    owner_id=account.csm_id,
                )
                for position, s in enumerate(version.steps, start=1)
            )
            account_event_record(
                account=account,
                actor=actor,
                verb="checklist.started",
                summary=f"Started the checklist “{checklist.name}” (template version {version.number}).",
                detail={"checklist": checklist.pk, "template": template.key, "version": version.number},
            )
            checklist_recheck(account_ids=[account.pk])
            checklist_actions_recheck(account_ids=[account.pk])
    except IntegrityError:
        raise StepError(f"This account already has the checklist “{template.name}”.") from None
    return checklist


def checklist_step_complete(*, step: ChecklistStep, actor: Any, evidence: str = "") -> ChecklistStep:
    if step.kind == StepKind.AUTOMATIC:
        raise StepError("This step is verified automatically from synced data.")
    with transaction.atomic():
        step = _locked(step)
        if step.status == StepStatus.DONE:
            return step
        step.status = StepStatus.DONE
        step.completed_by = _actor(actor)
        step.completed_at = timezone.now()
        step.evidence = evidence.strip()
        step.save(update_fields=["status", "completed_by", "completed_at", "evidence"])
        note = f": {step.evidence}" if step.evidence else "."
        _event(step, actor, "checklist.step_completed", f"Completed “{step.title}”{note}")
        _sync_completion([step.checklist_id])
    return step


def checklist_action_done(*, account_id: int, action: str, evidence: Evidence, actor: Any = None) -> int:
    """The account's steps still to do that this action satisfies are done, with it as evidence
    (an email also becomes the step's email: a failed delivery reopens the step). Returns how many."""
    from ..checklist_models import AccountEmail

    with transaction.atomic():
        steps = list(
            ChecklistStep.objects.select_for_update(of=("self",))
            .select_related("checklist__account")
            .filter(checklist__account_id=account_id, action=action, status=StepStatus.PENDING)
            .order_by("pk")
        )
        now = timezone.now()
        for step in steps:
            step.status = StepStatus.DONE
            step.completed_by_id = evidence.by_id
            step.completed_at = now
            step.evidence = evidence.text
            step.evidence_url = evidence.url
            fields = ["status", "completed_by", "completed_at", "evidence", "evidence_url"]
            if evidence.email_id:
                step.email_id = evidence.email_id
                fields.append("email")
            step.save(update_fields=fields)
            _event(step, actor, "checklist.step_completed", f"Completed “{step.title}”: {evidence.text}")
        if steps and evidence.email_id:
            AccountEmail.objects.filter(pk=evidence.email_id, step__isnull=True).update(step=steps[0])
        if steps:
            _sync_completion({step.checklist_id for step in steps})
    return len(steps)


def checklist_actions_recheck(*, account_ids: Iterable[int]) -> int:
    """Complete the steps still to do whose action was taken already (a notes request filed
    before the checklist started, an education email sent before). Returns how many."""
    pending = set(
        ChecklistStep.objects.filter(checklist__account_id__in=list(account_ids), status=StepStatus.PENDING)
        .exclude(action="")
        .values_list("checklist__account_id", "action")
    )
    done = 0
    for action in {action for _account, action in pending}:
        info = step_action(action)
        if info is None:
            continue
        accounts = sorted(account for account, a in pending if a == action)
        for account_id, evidence in info.find(accounts).items():
            done += checklist_action_done(account_id=account_id, action=action, evidence=evidence)
    return done


def checklist_step_reopen(*, step: ChecklistStep, actor: Any) -> ChecklistStep:
    """Undo: a done or skipped step goes back to do (an automatic one is re-checked)."""
    with transaction.atomic():
        step = _locked(step)
        if step.kind == StepKind.AUTOMATIC and step.status != StepStatus.SKIPPED:
            raise StepError("This step follows the synced data; it changes when the data changes.")
        if step.status == StepStatus.PENDING:
            return step
        previous = step.get_status_display().lower()
        step.status = StepStatus.PENDING
        step.completed_by = None
        step.completed_at = None
        step.evidence = ""
        step.evidence_url = ""
        step.save(update_fields=["status", "completed_by", "completed_at", "evidence", "evidence_url"])
        _event(step, actor, "checklist.step_reopened", f"Reopened “{step.title}” (was {previous}).")
        if step.kind == StepKind.AUTOMATIC:
            checklist_recheck(account_ids=[step.checklist.account_id])
        _sync_completion([step.checklist_id])
    return step


def checklist_step_skip(*, step: ChecklistStep, actor: Any, reason: str) -> ChecklistStep:
    reason = reason.strip()
    if not reason:
        raise StepError("Say why the step does not apply.")
    with transaction.atomic():
        step = _locked(step)
        if step.status in FINISHED_STATUSES:
            raise StepError("Only a step still to do can be skipped.")
        step.status = StepStatus.SKIPPED
        step.completed_by = _actor(actor)
        step.completed_at = timezone.now()
        step.evidence = reason
        step.save(update_fields=["status", "completed_by", "completed_at", "evidence"])
        _event(step, actor, "checklist.step_skipped", f"Skipped “{step.title}”: {reason}")
        _sync_completion([step.checklist_id])
    return step


def checklist_step_assign(*, step: ChecklistStep, actor: Any, owner: Any | None) -> ChecklistStep:
    with transaction.atomic():
        step = _locked(step)
        if step.owner_id == (owner.pk if owner else None):
            return step
        step.owner = owner
        step.save(update_fields=["owner"])
        who = str(owner) if owner else "nobody"
        _event(
            step, actor, "checklist.step_assigned", f"Assigned “{step.title}” to {who}.", owner=step.owner_id
        )
    return step


def checklist_step_add(
    *, checklist: Checklist, actor: Any, title: str, description: str = "", owner: Any | None = None
) -> ChecklistStep:
    title = title.strip()
    if not title:
        raise StepError("A step needs a title.")
    with transaction.atomic():
        Checklist.objects.select_for_update().get(pk=checklist.pk)
        last = checklist.steps.aggregate(last=Max("position"))["last"] or 0
        step = ChecklistStep.objects.create(
            checklist=checklist,
            position=last + 1,
            title=title,
            description=description.strip(),
            kind=StepKind.MANUAL,
            is_custom=True,
            owner=owner,
        )
        step.checklist = checklist
        _event(step, actor, "checklist.step_added", f"Added the step “{title}” to “{checklist.name}”.")
        _sync_completion([checklist.pk])
    return step


def checklist_step_remove(*, step: ChecklistStep, actor: Any) -> None:
    with transaction.atomic():
        step = _locked(step)
        if not step.is_custom:
            raise StepError("Steps from the template cannot be removed; skip the step instead.")
        _event(step, actor, "checklist.step_removed", f"Removed the step “{step.title}”.")
        checklist_id = step.checklist_id
        step.delete()
        remaining = list(ChecklistStep.objects.filter(checklist_id=checklist_id).order_by("position", "pk"))
        for position, other in enumerate(remaining, start=1):
            other.position = position
        ChecklistStep.objects.bulk_update(remaining, ["position"])
        _sync_completion([checklist_id])


def checklist_step_move(*, step: ChecklistStep, actor: Any, direction: str) -> ChecklistStep:
    if direction not in ("up", "down"):
        raise StepError("Move a step up or down.")
    with transaction.atomic():
        Checklist.objects.select_for_update().get(pk=step.checklist_id)
        steps = list(
            ChecklistStep.objects.filter(checklist_id=step.checklist_id).select_related("checklist__account")
        )
        index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(steps):
            return steps[index]
        steps[index], steps[other] = steps[other], steps[index]
        for position, s in enumerate(steps, start=1):
            s.position = position
        ChecklistStep.objects.bulk_update(steps, ["position"])
        moved = next(s for s in steps if s.pk == step.pk)
        _event(
            moved,
            actor,
            "checklist.step_moved",
            f"Moved “{moved.title}” {direction} to position {moved.position}.",
        )
    return moved


def _sync_completion(checklist_ids: Iterable[int]) -> None:
    """Mark checklists complete when every step is finished, and incomplete again when one reopens."""
    rows = (
        Checklist.objects.filter(pk__in=list(checklist_ids))
        .select_related("account")
        .annotate(
            open_steps=Count("steps", filter=~Q(steps__status__in=FINISHED_STATUSES)), total=Count("steps")
        )
    )
    now = timezone.now()
    for checklist in rows:
        finished = checklist.open_steps == 0 and checklist.total > 0  # type: ignore[attr-defined]
        if finished and checklist.completed_at is None:
            checklist.completed_at = now
            checklist.save(update_fields=["completed_at"])
            account_event_record(
                account=checklist.account,
                actor=None,
                verb="checklist.completed",
                summary=f"The checklist “{checklist.name}” is complete.",
                detail={"checklist": checklist.pk},
            )
        elif not finished and checklist.completed_at is not None:
            checklist.completed_at = None
            checklist.save(update_fields=["completed_at"])
            account_event_record(
                account=checklist.account,
                actor=None,
                verb="checklist.reopened",
                summary=f"The checklist “{checklist.name}” has steps to do again.",
                detail={"checklist": checklist.pk},
            )


# -- automatic steps -------------------------------------------------------------------------


RECHECK_BATCH = 500


def checklist_recheck(*, account_ids: Iterable[int] | None = None) -> int:
    """Re-evaluate the automatic steps (all accounts, or some) against the synced data.

    Idempotent: only steps whose status or finding changed are written, and only a status change
    is recorded in the audit trail. Steps a person skipped are left alone. Returns the number of
    steps whose status changed.
    """
    steps = ChecklistStep.objects.filter(kind=StepKind.AUTOMATIC).exclude(status=StepStatus.SKIPPED)
    if account_ids is not None:
        steps = steps.filter(checklist__account_id__in=list(account_ids))
    ids = iter(sorted(set(steps.values_list("checklist__account_id", flat=True))))
    changed = 0
    while batch := list(islice(ids, RECHECK_BATCH)):
        changed += _recheck_batch(batch)
    return changed


def _recheck_batch(account_ids: list[int]) -> int:
    facts = load_facts(Account.objects.filter(pk__in=account_ids))
    now = timezone.now()
    with transaction.atomic():
        steps = (
            ChecklistStep.objects.select_for_update(of=("self",))
            .filter(kind=StepKind.AUTOMATIC, checklist__account_id__in=account_ids)
            .exclude(status=StepStatus.SKIPPED)
            .select_related("checklist")
            .order_by("pk")
        )
        dirty: list[ChecklistStep] = []
        events: list[AccountEvent] = []
        touched: set[int] = set()
        for step in steps:
            account_id = step.checklist.account_id
            result = evaluate(step.check_key, facts[account_id])
            if result.status == step.status and result.summary == step.check_summary:
                continue
            if result.status != step.status:
                events.append(_status_event(step, account_id, result.status, result.summary))
                touched.add(step.checklist_id)
                step.status = result.status
                step.completed_at = None if result.status == StepStatus.PENDING else now
                step.completed_by = None
            step.evidence = "" if result.status == StepStatus.PENDING else result.summary
            step.check_summary = result.summary[:300]
            step.check_changed_at = now
            dirty.append(step)
        ChecklistStep.objects.bulk_update(
            dirty, ["status", "completed_at", "completed_by", "evidence", "check_summary", "check_changed_at"]
        )
        AccountEvent.objects.bulk_create(events)
        if touched:
            _sync_completion(touched)
        bump_accounts(step.checklist.account_id for step in dirty)  # csmportal.versions
    return len(events)


def _status_event(step: ChecklistStep, account_id: int, status: str, summary: str) -> AccountEvent:
    if status == StepStatus.DONE:
        verb, text = "checklist.step_verified", f"“{step.title}” verified from synced data: {summary}"
    elif status == StepStatus.NOT_APPLICABLE:
        verb, text = "checklist.step_not_applicable", f"“{step.title}” does not apply: {summary}"
    else:
        verb, text = "checklist.step_unverified", f"“{step.title}” is no longer true: {summary}"
    return AccountEvent(
        account_id=account_id,
        actor=None,
        verb=verb,
        summary=text[:300],
        detail={"checklist": step.checklist_id, "step": step.pk, "from": step.status, "to": status},
    )
