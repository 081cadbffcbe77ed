""" "Open tickets" means one thing, as a CSM meets it: the account page, the portfolio and the
account review show the same number, and each count opens the ticket list with exactly that many
tickets (not solved, closed or deleted)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.factories import AccountFactory, OrganizationFactory, TicketFactory, UserFactory
from tickets.models import Status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def account():
    csm = UserFactory(roles=["CSM"], email="csm@example.com", name="A CSM")
    account = AccountFactory(name="Borealis Systems", csm=csm)
    org = OrganizationFactory(account=account, name="Borealis Systems", domain_names=["borealis.example"])
    for status in (Status.NEW, Status.OPEN, Status.PENDING, Status.HOLD, Status.SOLVED, Status.CLOSED):
        TicketFactory(requester__organization=org, status=status, subject=f"A {status} ticket")
    TicketFactory(requester__organization=org, status=Status.DELETED, subject="Deleted")
    return account


def lists_exactly_the_open_tickets(page: Page) -> None:
    """The ticket list opened, filtered to "Open", with exactly the four open tickets."""
    expect(page).to_have_url(re.compile(r"/tickets/\?.*status=unsolved"))
    expect(page.get_by_label("Status", exact=True)).to_have_value("unsolved")
    rows = page.locator("#list-table tbody tr")
    expect(rows).to_have_count(4)
    for word in ("Deleted", "solved ticket", "closed ticket"):
        expect(page.locator("#list-table tbody")).not_to_contain_text(word)


def test_every_open_count_is_the_same_number_and_opens_exactly_those_tickets(page: Page, account):
    log_in(page, "csm@example.com")

    page.goto(f"/accounts/{account.pk}/")
    stat = page.get_by_role("link", name="4 Open tickets", exact=True)
    expect(stat).to_be_visible()
    stat.click()
    lists_exactly_the_open_tickets(page)

    page.goto("/accounts/")
    expect(page.locator("#list-table thead")).to_contain_text("Open tickets")
    row = page.locator("tr", has_text="Borealis Systems")
    row.get_by_role("link", name="4", exact=True).click()
    lists_exactly_the_open_tickets(page)

    page.goto(f"/tickets/accounts/{account.pk}/review/")
    review_stat = page.locator("a.stat", has_text="open tickets")
    expect(review_stat.locator(".value")).to_have_text("4")
    expect(page.locator("main")).not_to_contain_text("still open")
    review_stat.click()
    lists_exactly_the_open_tickets(page)
