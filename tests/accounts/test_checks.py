"""The automatic checks of onboarding steps, against synced data (factories here)."""

import pytest

from accounts.checklist_models import Check, StepStatus
from accounts.checks import evaluate, load_facts
from tests.factories import AccountFactory, ContactFactory, OrganizationFactory, SupportUserFactory

pytestmark = pytest.mark.django_db


def check(account, key):
    return evaluate(key, load_facts([account])[account.pk])


def test_it_finds_the_sold_to_contact_in_salesforce_whatever_the_case():
    account = AccountFactory(sold_to_email="Buyer@Customer.example")
    assert check(account, Check.SOLD_TO_CONTACT).status == StepStatus.PENDING
    ContactFactory(account=account, first_name="Bea", last_name="Buyer", email="buyer@customer.EXAMPLE")
    result = check(account, Check.SOLD_TO_CONTACT)
    assert result.status == StepStatus.DONE and "Bea Buyer" in result.summary


def test_it_does_not_count_a_contact_on_another_account_as_the_sold_to_contact():
    account = AccountFactory(sold_to_email="buyer@customer.example")
    ContactFactory(email="buyer@customer.example")  # on another account
    result = check(account, Check.SOLD_TO_CONTACT)
    assert result.status == StepStatus.PENDING and "not a contact on this account" in result.summary


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


def test_it_counts_support_contacts_registered_n_of_m():
    account = AccountFactory()
    org = OrganizationFactory(account=account)
    contacts = ContactFactory.create_batch(3, account=account)
    SupportUserFactory(organization=org, email=contacts[0].email.upper())
    SupportUserFactory(organization=org, email=contacts[1].email, suspended=True)  # not entitled
    SupportUserFactory(organization=org)  # registered, unknown to Salesforce: not counted
    result = check(account, Check.SUPPORT_CONTACTS)
    assert result.status == StepStatus.PENDING
    assert result.summary.startswith("1 of 3 Salesforce contacts")
    SupportUserFactory(organization=org, email=contacts[2].email)
    SupportUserFactory(organization=OrganizationFactory(account=account), email=contacts[1].email.title())
    assert check(account, Check.SUPPORT_CONTACTS).status == StepStatus.DONE


def test_it_needs_only_as_many_contacts_as_the_limit_allows():
    account = AccountFactory(seats=20)
    org = OrganizationFactory(account=account, cmp_id="")
    contacts = ContactFactory.create_batch(32, account=account)
    for contact in contacts[:30]:
        SupportUserFactory(organization=org, email=contact.email)
    result = check(account, Check.SUPPORT_CONTACTS)
    assert result.status == StepStatus.DONE
    assert "30 of 32" in result.summary and "the limit is 30" in result.summary


def test_it_waits_for_contacts_and_an_org_before_counting():
    account = AccountFactory()
    assert "No Zendesk organization" in check(account, Check.SUPPORT_CONTACTS).summary
    OrganizationFactory(account=account)
    assert "No contacts" in check(account, Check.SUPPORT_CONTACTS).summary


@pytest.mark.parametrize(
    "value,status",
    [("17735787", StepStatus.DONE), ("", StepStatus.PENDING), ("TBD", StepStatus.PENDING),
     (" 17735787 ", StepStatus.PENDING), ("https://gitlab.com/acme/collab", StepStatus.PENDING)],
)  # fmt: skip
def test_it_accepts_only_a_numeric_collaboration_project_id(value, status):
    account = AccountFactory()
    OrganizationFactory(account=account, am_project_id=value)
    assert check(account, Check.COLLABORATION_PROJECT).status == status


def test_it_needs_a_contact_management_project_only_from_50_seats():
    small = AccountFactory(seats=49)
    OrganizationFactory(account=small, cmp_id="")
    result = check(small, Check.CONTACT_MANAGEMENT_PROJECT)
    assert result.status == StepStatus.NOT_APPLICABLE and "49 seats" in result.summary
    big = AccountFactory(seats=50)
    org = OrganizationFactory(account=big, cmp_id="")
    assert check(big, Check.CONTACT_MANAGEMENT_PROJECT).status == StepStatus.PENDING
    org.cmp_id = "20000007"
    org.save()
    result = check(big, Check.CONTACT_MANAGEMENT_PROJECT)
    assert result.status == StepStatus.DONE and "20000007" in result.summary


def test_it_loads_the_facts_of_many_accounts_in_three_queries(django_assert_num_queries):
    accounts = AccountFactory.create_batch(5)
    for account in accounts:
        org = OrganizationFactory(account=account)
        SupportUserFactory(organization=org, email=ContactFactory(account=account).email)
    with django_assert_num_queries(3):
        facts = load_facts(accounts)
    assert all(len(f.entitled) == 1 and len(f.contacts) == 1 for f in facts.values())
