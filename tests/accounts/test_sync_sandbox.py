"""End to end: the real sync against the sandbox turns onboarding steps done, and back."""

import pytest
from django.conf import settings

from accounts.checklist_models import StepStatus
from accounts.models import Account, AccountEvent
from contacts.models import Contact
from integrations.runner import run_stream
from tests.factories import UserFactory
from tests.factories.accounts import start_checklist

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHECKED_STREAMS = (
    "salesforce.users",
    "salesforce.accounts",
    "salesforce.contacts",
    "zendesk.organizations",
    "zendesk.users",
)


@pytest.fixture
def portal_on_sandbox(sandbox, settings):
    for name, value in sandbox.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""
    for stream in CHECKED_STREAMS:
        run_stream(stream, trigger="test")
    return sandbox


def salesforce(sandbox, method: str, path: str, body: dict) -> dict:
    """Change Salesforce the way people do, through its REST API."""
    session = sandbox.session()
    token = sandbox.salesforce_token(session)["access_token"]
    response = session.request(
        method,
        f"{sandbox.url}/services/data/v{settings.SALESFORCE_API_VERSION}/sobjects/{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json() if response.content else {}


def zendesk_org_fields(sandbox, zd_id: int, **fields: str) -> None:
    response = sandbox.zendesk_session().put(
        f"{sandbox.url}/api/v2/organizations/{zd_id}.json",
        json={"organization": {"organization_fields": fields}},
        timeout=10,
    )
    response.raise_for_status()


def onboarded_account() -> Account:
    """A synced account whose sold-to email is one of its contacts and that has an org."""
    for account in Account.objects.exclude(sold_to_email="").order_by("pk"):
        key = account.sold_to_email.lower()
        if account.organizations.exists() and Contact.objects.filter(account=account, email_key=key).exists():
            return account
    raise AssertionError("the sandbox has accounts whose sold-to email is a contact")


def step(checklist, check_key):
    return checklist.steps.get(check_key=check_key)


def test_it_verifies_steps_after_the_sync_that_makes_them_true_and_undoes_them_when_not(portal_on_sandbox):
    sandbox = portal_on_sandbox
    csm = UserFactory(roles=["CSM"])
    account = onboarded_account()
    checklist = start_checklist(account, actor=csm)
    assert step(checklist, "sold_to_contact").status == StepStatus.DONE
    assert step(checklist, "zendesk_org").status == StepStatus.DONE

    # Salesforce: the sold-to email is cleared -> no longer true.
    salesforce(sandbox, "PATCH", f"Account/{account.sf_id}", {"Sold_To_Email__c": ""})
    run_stream("salesforce.accounts", trigger="test")
    sold_to = step(checklist, "sold_to_contact")
    assert sold_to.status == StepStatus.PENDING
    assert "no sold-to email" in sold_to.check_summary.lower()

    # ... set to someone who is not a contact -> true again (being a contact is only a note) ...
    salesforce(
        sandbox, "PATCH", f"Account/{account.sf_id}", {"Sold_To_Email__c": "Procurement@Nowhere.example"}
    )
    run_stream("salesforce.accounts", trigger="test")
    sold_to = step(checklist, "sold_to_contact")
    assert sold_to.status == StepStatus.DONE and "not a contact" in sold_to.check_summary

    # ... and that person is added as a contact on the account -> the note names them.
    salesforce(
        sandbox,
        "POST",
        "Contact/",
        {
            "AccountId": account.sf_id,
            "FirstName": "Pat",
            "LastName": "Procurement",
            "Email": "procurement@nowhere.example",
        },
    )
    run_stream("salesforce.contacts", trigger="test")
    sold_to = step(checklist, "sold_to_contact")
    assert sold_to.status == StepStatus.DONE and "Pat Procurement" in sold_to.evidence

    # Zendesk: the collaboration project ID is set, broken, then fixed.
    org = account.organizations.order_by("zd_id").first()
    for value, expected in (
        ("17735787", StepStatus.DONE),
        ("TBD", StepStatus.PENDING),
        ("17735788", StepStatus.DONE),
    ):
        zendesk_org_fields(sandbox, org.zd_id, am_project_id=value)
        run_stream("zendesk.organizations", trigger="test")
        assert step(checklist, "collaboration_project").status == expected, value
    assert "17735788" in step(checklist, "collaboration_project").evidence

    trail = list(
        AccountEvent.objects.filter(account=account, actor=None, verb__startswith="checklist.step_")
        .order_by("id")
        .values_list("verb", "summary")
    )
    unverified = [summary for verb, summary in trail if verb == "checklist.step_unverified"]
    assert len(unverified) == 2
    assert "sold-to" in unverified[0] and "Collaboration project" in unverified[1]
