"""Steps completed by an action elsewhere in the portal: the step links to the action, and the
action completes it with itself as evidence (the education email; a static notes request, also
one filed before the checklist started)."""

import pytest

from accounts.checklist_models import EmailKind, EmailStatus, StepAction, StepStatus
from accounts.services.emails import account_email_fail
from supportops.models import RequestKind, RequestStatus
from supportops.services import ops_request_open_notes
from tests.factories import AccountFactory, ContactFactory, OrganizationFactory
from tests.factories.accounts import start_checklist
from tests.factories.supportops import NotesRequestFactory as OpsRequestFactory
from tickets.services import education_email_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(csm):
    account = AccountFactory(name="Acme Rockets", csm=csm, sold_to_email="buyer@acme.example")
    OrganizationFactory(account=account, name="Acme Rockets", notes="")
    ContactFactory(account=account, first_name="Robin", last_name="Reyes", email="robin@acme.example")
    return account


def step_of(account, action):
    return account.checklists.get().steps.get(action=action)


def test_the_shipped_checklist_links_its_notes_and_education_steps_to_their_actions(csm, csm_client, account):
    start_checklist(account, actor=csm)
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert f'href="/requests/new/?account={account.pk}">Request static notes</a>' in page
    assert (
        f"/tickets/accounts/{account.pk}/education-email/?next=%2Faccounts%2F{account.pk}%2F%23onboarding"
        in page
    )
    assert "Write the education email</a>" in page


def test_filing_a_notes_request_completes_the_notes_step_with_the_request_as_evidence(csm, account):
    start_checklist(account, actor=csm)
    item = ops_request_open_notes(
        user=csm, organization=account.organizations.get(), notes="Escalations go to the platform lead."
    )
    step = step_of(account, StepAction.NOTES_REQUEST)
    assert step.status == StepStatus.DONE and step.completed_by == csm
    assert step.evidence_url == f"/requests/{item.pk}/" and f"request #{item.pk}" in step.evidence


def test_a_notes_request_filed_before_the_checklist_started_completes_the_step_when_it_starts(csm, account):
    item = OpsRequestFactory(
        organization=account.organizations.get(), requested_by=csm, kind=RequestKind.ORG_NOTES, notes="Hi"
    )
    start_checklist(account, actor=csm)
    step = step_of(account, StepAction.NOTES_REQUEST)
    assert step.status == StepStatus.DONE and step.evidence_url == f"/requests/{item.pk}/"


def test_check_again_finds_a_request_filed_before_the_step_had_an_action(csm, csm_client, account):
    start_checklist(account, actor=csm)
    OpsRequestFactory(organization=account.organizations.get(), requested_by=csm, kind=RequestKind.ORG_NOTES)
    assert step_of(account, StepAction.NOTES_REQUEST).status == StepStatus.PENDING
    csm_client.post(f"/accounts/{account.pk}/checklists/recheck/")
    assert step_of(account, StepAction.NOTES_REQUEST).status == StepStatus.DONE


def test_a_cancelled_or_declined_request_is_no_evidence(csm, account):
    for status in (RequestStatus.CANCELLED, RequestStatus.DECLINED):
        OpsRequestFactory(
            organization=account.organizations.get(),
            requested_by=csm,
            kind=RequestKind.ORG_NOTES,
            status=status,
        )
    start_checklist(account, actor=csm)
    assert step_of(account, StepAction.NOTES_REQUEST).status == StepStatus.PENDING


def test_the_education_email_completes_the_education_step_and_a_refused_one_reopens_it(csm, account):
    start_checklist(account, actor=csm)
    email = education_email_send(
        account=account,
        sender=csm,
        to_email="robin@acme.example",
        subject="Tips",
        body="Hi",
        gaps=["detail"],
    )
    assert email.kind == EmailKind.EDUCATION
    step = step_of(account, StepAction.EDUCATION_EMAIL)
    assert step.status == StepStatus.DONE and step.email == email and step.completed_by == csm
    assert step.evidence == "Emailed “Tips” to robin@acme.example."
    assert step.evidence_url == f"/accounts/{account.pk}/emails/{email.pk}/"

    account_email_fail(email_id=email.pk, error="refused")  # the mail server refused the recipient
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_an_education_email_sent_before_the_checklist_started_completes_the_step(csm, account):
    email = education_email_send(
        account=account, sender=csm, to_email="robin@acme.example", subject="Tips", body="Hi", gaps=[]
    )
    start_checklist(account, actor=csm)
    step = step_of(account, StepAction.EDUCATION_EMAIL)
    assert step.status == StepStatus.DONE and step.email_id == email.pk


def test_a_failed_education_email_is_no_evidence(csm, account):
    email = education_email_send(
        account=account, sender=csm, to_email="robin@acme.example", subject="Tips", body="Hi", gaps=[]
    )
    type(email).objects.filter(pk=email.pk).update(status=EmailStatus.FAILED)
    start_checklist(account, actor=csm)
    assert step_of(account, StepAction.EDUCATION_EMAIL).status == StepStatus.PENDING


def test_a_wrong_collaboration_project_id_links_to_a_request_for_support_ops(csm, csm_client, account):
    account.organizations.update(am_project_id="https://gitlab.com/acme/project")
    start_checklist(account, actor=csm)
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert f'href="/requests/new/?account={account.pk}">Ask support ops to correct it</a>' in page
    account.organizations.update(am_project_id="17735787")
    csm_client.post(f"/accounts/{account.pk}/checklists/recheck/")
    assert "Ask support ops to correct it" not in csm_client.get(f"/accounts/{account.pk}/").content.decode()
