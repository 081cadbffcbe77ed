"""The CSM's ranking: each reason puts an account on the list, the most urgent first."""

import datetime as dt

import pytest
from django.utils import timezone

from csmportal.home.csm import Reason, csm_attention
from tests.factories import AccountFactory
from tests.home.conftest import MAKERS, account_of, breached, due_in, renewing_in, ticket_on
from tickets.models import Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason", Reason.values)
def test_it_puts_an_account_on_the_list_for_each_reason(csm, give, reason):
    quiet = account_of(csm, "Quiet Ltd")
    account = account_of(csm, "Busy Ltd")
    give(account, reason)

    attention = csm_attention(csm)

    assert [row.name for row in attention.rows] == ["Busy Ltd"], reason
    (row,) = attention.rows
    assert row.action.reason == reason and row.action.count >= 1
    section = next(s for s in attention.sections if s.reason == reason)
    assert section.count == row.action.count and section.accounts == 1
    assert attention.accounts == 2 and quiet.pk != row.pk


def test_it_ranks_accounts_by_the_most_urgent_reason(csm, give):
    # Created in the reverse order of urgency, so the ranking (not the insertion) orders them.
    for reason in reversed(Reason.values):
        give(account_of(csm, f"Account with {reason}"), reason)

    rows = csm_attention(csm).rows

    assert [row.action.reason for row in rows] == Reason.values


def test_more_breaches_rank_first_then_the_soonest_due(csm):
    one, three = account_of(csm, "One breach"), account_of(csm, "Three breaches")
    later, sooner = account_of(csm, "Due in 20 hours"), account_of(csm, "Due in 1 hour")
    breached(one)
    breached(three, 3)
    due_in(later, 20)
    due_in(sooner, 1)

    rows = csm_attention(csm).rows

    assert [row.name for row in rows] == ["Three breaches", "One breach", "Due in 1 hour", "Due in 20 hours"]
    assert rows[0].action.count == 3 and rows[0].action.text.startswith("3 open tickets")


def test_the_sooner_renewal_ranks_first_and_later_ones_are_not_listed(csm):
    for name, days in [("In 25 days", 25), ("In 3 days", 3), ("In 40 days", 40), ("Last week", -7)]:
        renewing_in(account_of(csm, name), days)

    rows = csm_attention(csm).rows

    assert [row.name for row in rows] == ["In 3 days", "In 25 days"]
    assert rows[0].action.text.startswith("Renews in 3 days")


def test_an_account_shows_every_reason_it_has_with_the_most_urgent_as_its_action(csm, give):
    account = account_of(csm, "Everything at once")
    for reason in Reason.values:
        give(account, reason)

    (row,) = csm_attention(csm).rows

    assert [item.reason for item in row.items] == Reason.values
    assert row.action.reason == Reason.SLA_BREACHED


def test_it_leaves_out_closed_tickets_other_csms_and_deleted_accounts(csm, other_csm):
    mine = account_of(csm, "Mine")
    ticket_on(mine, status=Status.SOLVED, sla_due_at=timezone.now() - dt.timedelta(hours=5))
    ticket_on(mine, status=Status.DELETED, sla_due_at=timezone.now() - dt.timedelta(hours=5))
    ticket_on(mine, sla_due_at=timezone.now() + dt.timedelta(days=3))  # due, but not within a day
    breached(account_of(other_csm, "A colleague's"))
    gone = account_of(csm, "Deleted in Salesforce", deleted_at=timezone.now())
    breached(gone)
    AccountFactory(csm=None, name="Nobody's")

    attention = csm_attention(csm)

    assert attention.rows == [] and attention.accounts == 1
    assert all(section.count == 0 for section in attention.sections)


def test_each_count_links_to_exactly_the_tickets_it_counts(csm, csm_client):
    account = account_of(csm, "Linked")
    breached(account, 2)
    ticket_on(account, sla_due_at=timezone.now() + dt.timedelta(hours=2))  # due: not breached
    (row,) = csm_attention(csm).rows

    response = csm_client.get(row.action.url)

    assert response.status_code == 200
    assert response.context["page"].paginator.count == row.action.count == 2


@pytest.mark.parametrize("reason", Reason.values)
def test_each_action_opens_a_page_the_csm_can_use(csm, csm_client, reason):
    account = account_of(csm, "Acting")
    MAKERS[reason](account)
    (row,) = csm_attention(csm).rows

    response = csm_client.get(row.action.url)

    assert response.status_code == 200, row.action.url
