"""Onboarding checklists: starting, working on steps, and the audit trail of every change."""

import pytest

from accounts.checklist_models import Checklist, ChecklistTemplate, StepKind, StepStatus
from accounts.models import AccountEvent
from accounts.services.checklists import (
    StepError,
    checklist_step_add,
    checklist_step_assign,
    checklist_step_complete,
    checklist_step_move,
    checklist_step_remove,
    checklist_step_reopen,
    checklist_step_skip,
)
from tests.factories import AccountFactory, UserFactory
from tests.factories.accounts import shipped_templates, start_checklist

pytestmark = pytest.mark.django_db


def verbs(account):
    return list(AccountEvent.objects.filter(account=account).order_by("id").values_list("verb", flat=True))


def test_it_ships_the_current_and_the_older_process():
    shipped_templates()
    current = ChecklistTemplate.objects.get(key="support-onboarding")
    older = ChecklistTemplate.objects.get(key="support-onboarding-contact-collection")
    assert current.is_default and not older.is_default
    assert current.version == older.version == 2  # 0006 made the shipped texts faithful
    titles = [s["title"] for s in current.versions.get(number=2).steps]
    assert titles[:1] == ["Identify the sold-to email for that account via SFDC"]
    assert "Static organization notes (optional)" in titles
    assert "Educate the customer on ticket best practice" in titles
    older_steps = older.versions.get(number=2).steps
    assert len(older_steps) == 4
    assert not any("no longer applied" in s["description"] for s in older_steps)
    assert not any("30" in s["title"] + s["description"] for s in older_steps)


def test_it_copies_the_template_into_the_account_with_the_csm_as_owner(csm):
    account = AccountFactory(csm=csm)
    checklist = start_checklist(account, actor=csm)
    steps = list(checklist.steps.all())
    assert [s.position for s in steps] == list(range(1, 9))
    assert {s.owner for s in steps} == {csm}
    assert checklist.template_version.number == 2
    email_step = next(s for s in steps if s.kind == StepKind.EMAIL)
    assert email_step.email_template.key == "managing-support-contacts"
    automatic = [s for s in steps if s.kind == StepKind.AUTOMATIC]
    assert {s.check_key for s in automatic} == {
        "sold_to_contact",
        "zendesk_org",
        "support_contacts",
        "collaboration_project",
        "contact_management_project",
    }
    assert all(s.check_summary for s in automatic)  # checked at once
    assert verbs(account)[0] == "checklist.started"


def test_it_refuses_a_second_checklist_from_the_same_template(csm):
    account = AccountFactory(csm=csm)
    start_checklist(account, actor=csm)
    with pytest.raises(StepError, match="already has"):
        start_checklist(account, actor=csm)
    assert Checklist.objects.filter(account=account).count() == 1


def _manual(checklist):
    return checklist.steps.filter(kind=StepKind.MANUAL).order_by("position").first()


def test_it_completes_a_manual_step_with_evidence_and_records_it(csm):
    account = AccountFactory(csm=csm)
    step = _manual(start_checklist(account, actor=csm))
    checklist_step_complete(step=step, actor=csm, evidence="  https://gitlab.example/ops/issues/12  ")
    step.refresh_from_db()
    assert step.status == StepStatus.DONE and step.completed_by == csm and step.completed_at
    assert step.evidence == "https://gitlab.example/ops/issues/12"
    event = AccountEvent.objects.filter(account=account).first()
    assert event.verb == "checklist.step_completed" and event.actor == csm
    assert "https://gitlab.example/ops/issues/12" in event.summary


def test_it_completes_a_step_once_when_asked_twice(csm):
    account = AccountFactory(csm=csm)
    step = _manual(start_checklist(account, actor=csm))
    checklist_step_complete(step=step, actor=csm)
    checklist_step_complete(step=step, actor=csm)
    assert verbs(account).count("checklist.step_completed") == 1


def test_it_never_completes_an_automatic_step_by_hand(csm):
    account = AccountFactory(csm=csm)
    step = start_checklist(account, actor=csm).steps.filter(kind=StepKind.AUTOMATIC).first()
    with pytest.raises(StepError, match="verified automatically"):
        checklist_step_complete(step=step, actor=csm)
    with pytest.raises(StepError, match="synced data"):
        checklist_step_reopen(step=step, actor=csm)


def test_it_undoes_a_completed_step(csm):
    account = AccountFactory(csm=csm)
    step = _manual(start_checklist(account, actor=csm))
    checklist_step_complete(step=step, actor=csm, evidence="call on Monday")
    checklist_step_reopen(step=step, actor=csm)
    step.refresh_from_db()
    assert (step.status, step.completed_by, step.completed_at, step.evidence) == (
        StepStatus.PENDING,
        None,
        None,
        "",
    )
    assert verbs(account)[-1] == "checklist.step_reopened"


def test_it_skips_a_step_only_with_a_reason_and_rechecks_leave_it_alone(csm):
    account = AccountFactory(csm=csm, seats=500)
    checklist = start_checklist(account, actor=csm)
    cmp_step = checklist.steps.get(check_key="collaboration_project")  # no org: to do
    with pytest.raises(StepError, match="Say why"):
        checklist_step_skip(step=cmp_step, actor=csm, reason="  ")
    checklist_step_skip(step=cmp_step, actor=csm, reason="Customer has no collaboration project")
    from accounts.services.checklists import checklist_recheck

    checklist_recheck()
    cmp_step.refresh_from_db()
    assert (
        cmp_step.status == StepStatus.SKIPPED and cmp_step.evidence == "Customer has no collaboration project"
    )
    checklist_step_reopen(step=cmp_step, actor=csm)  # undo the skip: the check decides again
    cmp_step.refresh_from_db()
    assert cmp_step.status == StepStatus.PENDING and "No Zendesk organization" in cmp_step.check_summary


def test_it_assigns_adds_moves_and_removes_steps_with_a_trail(csm):
    account = AccountFactory(csm=csm)
    checklist = start_checklist(account, actor=csm)
    colleague = UserFactory(name="Cover CSM", roles=["CSM"])
    first = checklist.steps.get(position=1)
    checklist_step_assign(step=first, actor=csm, owner=colleague)
    added = checklist_step_add(checklist=checklist, actor=csm, title="Kick-off call", description="With IT")
    assert added.position == 9 and added.is_custom and added.kind == StepKind.MANUAL
    checklist_step_move(step=added, actor=csm, direction="up")
    assert list(checklist.steps.order_by("position").values_list("title", flat=True))[7] == "Kick-off call"
    with pytest.raises(StepError, match="cannot be removed"):
        checklist_step_remove(step=first, actor=csm)
    checklist_step_remove(step=added, actor=csm)
    assert not checklist.steps.filter(title="Kick-off call").exists()
    assert list(checklist.steps.values_list("position", flat=True)) == list(range(1, 9))
    first.refresh_from_db()
    assert first.owner == colleague
    trail = AccountEvent.objects.filter(account=account).values_list("summary", flat=True)
    assert any("to Cover CSM" in s for s in trail)
    assert {
        "checklist.step_assigned",
        "checklist.step_added",
        "checklist.step_moved",
        "checklist.step_removed",
    } <= set(verbs(account))


def test_it_marks_the_checklist_complete_when_every_step_is_finished_and_reopens_it(csm):
    account = AccountFactory(csm=csm)
    checklist = start_checklist(account, key="support-onboarding-contact-collection", actor=csm)
    for step in checklist.steps.all():
        if step.kind == StepKind.AUTOMATIC:
            checklist_step_skip(step=step, actor=csm, reason="checked by hand")
        else:
            checklist_step_complete(step=step, actor=csm)
    checklist.refresh_from_db()
    assert checklist.completed_at is not None
    assert verbs(account)[-1] == "checklist.completed"
    checklist_step_reopen(step=_manual(checklist), actor=csm)
    checklist.refresh_from_db()
    assert checklist.completed_at is None and verbs(account)[-1] == "checklist.reopened"
