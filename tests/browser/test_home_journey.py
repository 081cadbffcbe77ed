"""A CSM's morning: log in, land on what needs attention, act on the most urgent account. A
support manager lands on the queue's due items and the next empty week; support ops on the
unclaimed and flagged requests."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from csmportal.dates import day
from feedback.rotation import current_week_start
from supportops.models import RequestStatus
from tests.browser.conftest import log_in, screenshot
from tests.factories import FeedbackFactory, OpsRequestFactory
from tests.factories.feedback import RotationWeekFactory
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


def test_a_manager_lands_on_the_due_items_and_covers_the_next_empty_week(page: Page, manager):
    now = timezone.now()
    FeedbackFactory(customer_words="Overdue words", first_response_due_at=now - dt.timedelta(hours=3))
    FeedbackFactory(customer_words="Due soon words", first_response_due_at=now + dt.timedelta(hours=5))
    FeedbackFactory(customer_words="Later words", first_response_due_at=now + dt.timedelta(days=5))
    this_week = current_week_start()
    next_week = this_week + dt.timedelta(weeks=1)
    RotationWeekFactory(week_start=this_week, manager=manager)
    log_in(page, manager.email)

    # Home: the queue's due and overdue items, each count a link to exactly those items.
    expect(page).to_have_url(re.compile(r"/$"))
    buttons = page.get_by_role("navigation", name="Feedback that needs attention")
    for label in ("Overdue first response", "Due within a day"):
        button = buttons.get_by_role("link", name=re.compile(label))
        expect(button).to_contain_text("1")
        button.click()
        expect(page).to_have_url(re.compile(r"/feedback/\?.*due="))
        expect(page.locator("#list-table tbody tr")).to_have_count(1)
        expect(page.locator("#list-table")).not_to_contain_text("Later words")
        page.go_back()

    # The rotation's next empty week is called out, and one click leads to taking it.
    warning = page.locator("#manager").get_by_role("note")
    expect(warning).to_contain_text(f"Nobody is on the rotation for the week of {day(next_week)}")
    warning.get_by_role("link", name="Open the rotation").click()
    page.get_by_role("button", name=f"Take the week of {day(next_week)}").click()
    expect(page.get_by_role("status")).to_contain_text("You are on duty in the week of")
    page.goto("/")
    expect(page.locator("#manager")).not_to_contain_text(f"the week of {day(next_week)}")


def test_support_ops_land_on_the_unclaimed_and_flagged_requests(page: Page, ops):
    OpsRequestFactory(organization__name="Unclaimed Org")
    OpsRequestFactory(organization__name="Second Unclaimed Org")
    OpsRequestFactory(organization__name="Flagged Org", status=RequestStatus.FLAGGED)
    OpsRequestFactory(organization__name="Claimed Org", status=RequestStatus.CLAIMED, claimed_by=ops)
    log_in(page, ops.email)

    expect(page).to_have_url(re.compile(r"/$"))
    section = page.locator("#ops")
    expect(section.locator("tbody tr")).to_have_count(3)  # unclaimed and flagged, not claimed
    expect(section).not_to_contain_text("Claimed Org")
    buttons = page.get_by_role("navigation", name="Requests that need attention")
    for label, count, shown in (("Unclaimed", 2, "Unclaimed Org"), ("Flagged", 1, "Flagged Org")):
        button = buttons.get_by_role("link", name=re.compile(label))
        expect(button.locator(".value")).to_have_text(str(count))
        button.click()
        expect(page).to_have_url(re.compile(r"/requests/\?state="))
        expect(page.locator("#list-table tbody tr")).to_have_count(count)
        expect(page.locator("#list-table")).to_contain_text(shown)
        expect(page.locator("#list-table")).not_to_contain_text("Claimed Org")
        page.go_back()
