"""The automatic checks of onboarding steps, against synced data (factories here)."""

import pytest

from accounts.checklist_models import Check, StepStatus
from accounts.checks import evaluate, load_facts
from tests.factories import AccountFactory, ContactFactory, OrganizationFactory, SupportUserFactory

pytestmark = pytest.mark.django_db


def check(account, key):
    return evaluate(key, load_facts([account])[account.pk])


def test_it_passes_when_the_account_has_a_sold_to_email_and_notes_whether_it_is_a_contact():
    """The handbook: "Identify the sold-to email for that account via SFDC"; being a contact
    too is a note, not a requirement."""
    account = AccountFactory(sold_to_email="Buyer@Customer.example")
    result = check(account, Check.SOLD_TO_CONTACT)
    assert result.status == StepStatus.DONE
    assert "Buyer@Customer.example" in result.summary and "not a contact on this account" in result.summary
    ContactFactory(account=account, first_name="Bea", last_name="Buyer", email="buyer@customer.EXAMPLE")
    result = check(account, Check.SOLD_TO_CONTACT)
    assert result.status == StepStatus.DONE and "Salesforce contact Bea Buyer" in result.summary


def test_it_does_not_note_a_contact_on_another_account_as_the_sold_to_contact():
    account = AccountFactory(sold_to_email="buyer@customer.example")
    ContactFactory(email="buyer@customer.example")  # on another account
    result = check(account, Check.SOLD_TO_CONTACT)
    assert result.status == StepStatus.DONE and "not a contact on this account" in result.summary


def test_it_says_when_salesforce_has_no_sold_to_email():
    result = check(AccountFactory(sold_to_email=""), Check.SOLD_TO_CONTACT)
    assert result.status == StepStatus.PENDING and "no sold-to email" in result.summary


def test_it_needs_a_linked_zendesk_org():
    account = AccountFactory()
    OrganizationFactory(account=None, name=account.name, salesforce_id="")  # same name, not linked
    assert check(account, Check.ZENDESK_ORG).status == StepStatus.PENDING
    OrganizationFactory(account=account, name="Acme support", zd_id=42)
    result = check(account, Check.ZENDESK_ORG)
    assert result.status == StepStatus.DONE and "Acme support (42)" in result.summary


def test_it_judges_support_contacts_from_the_organizations_users_in_zendesk():
    """The handbook: the org's `Users` tab "will show who has support entitlement"; Salesforce
    contacts are counted beside them, not required."""
    account = AccountFactory()
    org = OrganizationFactory(account=account)
    contacts = ContactFactory.create_batch(3, account=account)
    SupportUserFactory(organization=org, email=contacts[1].email, suspended=True)  # not entitled
    result = check(account, Check.SUPPORT_CONTACTS)
    assert result.status == StepStatus.PENDING
    assert "will not be able to access GitLab Support" in result.summary
    SupportUserFactory(organization=org)  # in the org, unknown to Salesforce: counts
    result = check(account, Check.SUPPORT_CONTACTS)
    assert result.status == StepStatus.DONE
    assert (
        result.summary.startswith("1 person can open tickets")
        and "0 of them are Salesforce" in result.summary
    )
    SupportUserFactory(organization=OrganizationFactory(account=account), email=contacts[0].email.title())
    result = check(account, Check.SUPPORT_CONTACTS)
    assert (
        result.summary.startswith("2 people can open tickets")
        and "1 of them is a Salesforce contact" in result.summary
    )


def test_it_notes_an_organization_over_the_contact_limit():
    account = AccountFactory(seats=20)
    org = OrganizationFactory(account=account, cmp_id="")
    SupportUserFactory.create_batch(31, organization=org)
    result = check(account, Check.SUPPORT_CONTACTS)
    assert result.status == StepStatus.DONE and "over the limit of 30" in result.summary


def test_it_waits_for_an_org_before_counting():
    account = AccountFactory()
    assert "No Zendesk organization" in check(account, Check.SUPPORT_CONTACTS).summary


@pytest.mark.parametrize(
    "value,status",
    [("17735787", StepStatus.DONE), ("", StepStatus.PENDING), ("TBD", StepStatus.PENDING),
     (" 17735787 ", StepStatus.PENDING), ("https://gitlab.com/acme/collab", StepStatus.PENDING)],
)  # fmt: skip
def test_it_accepts_only_a_numeric_collaboration_project_id(value, status):
    account = AccountFactory()
    OrganizationFactory(account=account, am_project_id=value)
    assert check(account, Check.COLLABORATION_PROJECT).status == status


def test_it_reports_the_contact_management_project_as_information_never_as_a_step_to_do():
    small = AccountFactory(seats=49)
    OrganizationFactory(account=small, cmp_id="")
    result = check(small, Check.CONTACT_MANAGEMENT_PROJECT)
    assert result.status == StepStatus.NOT_APPLICABLE
    assert result.summary.startswith("This customer has no contact management project")
    big = AccountFactory(seats=50)
    org = OrganizationFactory(account=big, cmp_id="", cmp_developers="- Dana <dana@customer.example>")
    result = check(big, Check.CONTACT_MANAGEMENT_PROJECT)
    assert result.status == StepStatus.NOT_APPLICABLE and "eligible" in result.summary
    org.cmp_id = "20000007"
    org.save()
    result = check(big, Check.CONTACT_MANAGEMENT_PROJECT)
    assert result.status == StepStatus.DONE
    assert "has contact management project 20000007" in result.summary
    assert "who can access it (CMP Developers): Dana" in result.summary


def test_it_loads_the_facts_of_many_accounts_in_three_queries(django_assert_num_queries):
    accounts = AccountFactory.create_batch(5)
    for account in accounts:
        org = OrganizationFactory(account=account)
        SupportUserFactory(organization=org, email=ContactFactory(account=account).email)
    with django_assert_num_queries(3):
        facts = load_facts(accounts)
    assert all(len(f.entitled) == 1 and len(f.contacts) == 1 for f in facts.values())
