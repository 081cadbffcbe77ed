"""Rows deleted at their source leave the choices and checks that read them (the pages are
covered end to end in tests/integrations/test_deletions_sandbox.py)."""

import pytest
from django.utils import timezone

from accounts.checklist_models import Check, StepStatus
from accounts.checks import evaluate, load_facts
from accounts.models import Account, Organization
from contacts.models import Contact, SupportUser
from feedback.selectors import forwarding_accounts
from integrations.selectors import link_findings
from notifications.models import Finding, Notification
from notifications.rule import notifications_create_for_tickets
from tests.factories.accounts import AccountFactory, OrganizationFactory
from tests.factories.contacts import ContactFactory, SupportUserFactory
from tests.factories.tickets import TicketFactory
from tickets.education import education_recipients

pytestmark = pytest.mark.django_db


def _delete(*rows) -> None:
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(deleted_at=timezone.now())


def test_live_leaves_out_deleted_rows_of_every_mirror():
    account = AccountFactory()
    org = OrganizationFactory(account=account)
    contact = ContactFactory(account=account)
    user = SupportUserFactory(organization=org)
    _delete(account, org, contact, user)
    for model in (Account, Organization, Contact, SupportUser):
        assert model.objects.count() == 1 and model.objects.live().count() == 0


def test_deleted_people_are_no_email_recipients_and_count_in_no_check():
    account = AccountFactory()
    org = OrganizationFactory(account=account, salesforce_id=account.sf_id)
    kept, gone = ContactFactory(account=account), ContactFactory(account=account)
    user = SupportUserFactory(organization=org, email=gone.email)
    before = {r.email for r in education_recipients(account)}
    assert {kept.email, gone.email} <= before
    _delete(gone, user)
    after = {r.email for r in education_recipients(account)}
    assert kept.email in after and gone.email not in after
    facts = load_facts([account])[account.pk]
    assert gone.email_key not in facts.contacts and kept.email_key in facts.contacts
    assert evaluate(Check.ZENDESK_ORG, facts).status == StepStatus.DONE
    _delete(org)
    assert evaluate(Check.ZENDESK_ORG, load_facts([account])[account.pk]).status == StepStatus.PENDING


def test_a_deleted_account_is_offered_nowhere_and_notifies_nobody(csm):
    live, gone = AccountFactory(name="Live Co", csm=csm), AccountFactory(name="Gone Co", csm=csm)
    _delete(gone)
    mine, others = forwarding_accounts(csm)
    assert (live.pk, "Live Co") in mine and all(pk != gone.pk for pk, _ in mine + others)
    org = OrganizationFactory(account=gone)
    ticket = TicketFactory(requester=SupportUserFactory(organization=org), zd_created_at=timezone.now())
    assert ticket.account == gone
    notifications_create_for_tickets(ticket_ids=[ticket.pk])
    assert not Notification.objects.filter(ticket=ticket).exists()
    assert Finding.objects.filter(ticket=ticket).exists()


def test_the_sync_page_counts_no_deleted_row_as_waiting_for_a_link():
    OrganizationFactory(account=None)
    _delete(OrganizationFactory(account=None))
    found = {f.label: f.count for f in link_findings()}
    assert found["Zendesk organizations without a Salesforce account"] == 1
