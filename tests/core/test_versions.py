"""The account page's data is cached with the account's version (csmportal.versions): read again
after every write that touches the account (the sync's pages, the portal's own writes), never
shown to someone who may not see it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from csmportal import versions
from integrations.signals import page_synced
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OrganizationFactory,
    SupportUserFactory,
    TicketFactory,
)
from tests.instances.restricted import USGOV, clear, restrict
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def _reads(account, user):
    """What `one_cached` returns for a part that counts how often it was read, and that count."""
    calls = []

    def read():
        calls.append(1)
        return Ticket.objects.filter(account=account).count()

    versions.forget()  # a new request
    return versions.one_cached(account.pk, user, "test-count", read), len(calls)


def test_a_part_is_read_once_and_again_after_a_write_to_the_account(csm):
    account = AccountFactory(csm=csm)
    other = AccountFactory(csm=csm)
    assert _reads(account, csm) == (0, 1)
    assert _reads(account, csm) == (0, 0)  # cached
    TicketFactory(account=account)  # a portal write: its save bumps the account
    assert _reads(account, csm) == (1, 1)
    TicketFactory(account=other)  # another account's write leaves this one cached
    assert _reads(account, csm) == (1, 0)


def test_a_sync_page_bumps_the_accounts_of_the_rows_it_wrote(csm):
    account = AccountFactory(csm=csm)
    ticket = TicketFactory(account=account)
    assert _reads(account, csm) == (1, 1)
    arrived = TicketFactory(account=AccountFactory())
    # The sync writes in bulk (no model signals), then tells the portal which rows it wrote.
    Ticket.objects.filter(pk=arrived.pk).update(account=account)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.SOLVED)
    assert _reads(account, csm) == (1, 0)
    page_synced.send(
        sender=None, stream="zendesk.tickets", created=[arrived.pk], updated=[ticket.pk], deleted=[]
    )
    assert _reads(account, csm) == (2, 1)


@pytest.mark.parametrize(
    "stream, row",
    [
        ("salesforce.contacts", lambda account, org: ContactFactory(account=account)),
        ("zendesk.users", lambda account, org: SupportUserFactory(organization=org)),
        ("zendesk.organizations", lambda account, org: org),
        ("zendesk.organizations", lambda account, org: OrganizationFactory(name=account.name.upper())),
        ("salesforce.accounts", lambda account, org: account),
    ],
)
def test_each_stream_bumps_the_accounts_that_show_its_rows(csm, stream, row):
    account = AccountFactory(csm=csm, name="Acme Robotics")
    org = OrganizationFactory(account=account)
    written = row(account, org)
    _reads(account, csm)
    assert _reads(account, csm)[1] == 0
    page_synced.send(sender=None, stream=stream, created=[], updated=[written.pk], deleted=[])
    assert _reads(account, csm)[1] == 1


def test_a_write_inside_a_transaction_bumps_again_when_it_commits(csm, django_capture_on_commit_callbacks):
    account = AccountFactory(csm=csm)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        TicketFactory(account=account)
        # Someone reads before the write commits (here: sees it; elsewhere: would not) ...
        assert _reads(account, csm) == (1, 1)
    # ... and the commit makes everyone read again.
    assert _reads(account, csm)[1] == 1


def test_the_account_page_shows_a_new_ticket_and_a_new_org_at_once(csm, csm_client):
    account = AccountFactory(csm=csm)
    url = f"/accounts/{account.pk}/"
    csm_client.get(url)
    with CaptureQueriesContext(connection) as warm:
        first = csm_client.get(url).content.decode()
    assert "No Zendesk organization" in first
    OrganizationFactory(account=account, name="Acme Zendesk Org", zd_id=424242)
    TicketFactory(account=account, status=Status.OPEN)
    with CaptureQueriesContext(connection) as cold:
        page = csm_client.get(url).content.decode()
    assert "Acme Zendesk Org" in page and "No Zendesk organization" not in page
    assert '<div class="value">1</div><div class="label">Open tickets</div>' in page
    assert len(warm.captured_queries) < len(cold.captured_queries)


def test_a_restricted_instance_s_rows_cached_for_a_cleared_user_are_not_shown_to_others(
    csm, other_csm, settings, client
):
    restrict(settings)
    clear(csm)
    account = AccountFactory(csm=csm)
    OrganizationFactory(account=account, name="Classified enclave org", zd_instance=USGOV)
    url = f"/accounts/{account.pk}/"
    client.force_login(csm)
    assert "Classified enclave org" in client.get(url).content.decode()  # cached for the cleared
    client.force_login(other_csm)
    assert "Classified enclave org" not in client.get(url).content.decode()
    assert versions.hidden_keys(other_csm) == frozenset({USGOV}) != versions.hidden_keys(csm)
