"""A CSM's morning: log in, land on what needs attention, act on the most urgent account."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.home.conftest import MAKERS, account_of, breached, ticket_on

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def morning(csm):
    calm = account_of(csm, "Calm Co")
    renewing = account_of(csm, "Borealis Bank")
    MAKERS["renewal"](renewing)
    MAKERS["data"](renewing)
    urgent = account_of(csm, "Aurora Analytics")
    breached(urgent, 2)
    ticket_on(urgent, subject="Runner cannot clone")  # open, no SLA: not counted
    return urgent, renewing, calm


def test_a_csm_lands_on_home_and_acts_on_the_breached_account_first(page: Page, csm, morning):
    urgent, _renewing, _calm = morning
    log_in(page, csm.email)

    # Home: the account with the breached SLA first, its count on the button and on the section.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    rows = page.locator(".home-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Aurora Analytics")
    expect(rows.nth(1)).to_contain_text("Borealis Bank")
    expect(page.locator(".home-rows")).not_to_contain_text("Calm Co")
    sla_button = page.get_by_role("navigation", name="Needs attention").get_by_role(
        "link", name=re.compile("SLA breached")
    )
    expect(sla_button).to_contain_text("2")
    expect(sla_button).to_contain_text("tickets on 1 account")
    screenshot(page, "home-csm")

    # The section button narrows the list to the accounts with that reason.
    page.get_by_role("navigation", name="Needs attention").get_by_role(
        "link", name=re.compile("Renewal within 30 days")
    ).click()
    expect(page).to_have_url(re.compile(r"\?reason=renewal"))
    expect(page.locator(".home-row")).to_have_count(1)
    expect(page.locator(".home-row")).to_contain_text("Borealis Bank")
    page.get_by_role("link", name="every account that needs attention").click()
    expect(page.locator(".home-row")).to_have_count(2)

    # The row's one-click action opens exactly the breached tickets.
    page.locator(".home-row").first.get_by_role("link", name="See the breached tickets (2)").click()
    expect(page).to_have_url(re.compile(rf"/tickets/\?account={urgent.pk}&status=unsolved&sla=breached"))
    table = page.locator("#list-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).not_to_contain_text("Runner cannot clone")
