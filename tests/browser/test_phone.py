"""A CSM on a phone (390 px wide): the menu behind a button, the filters behind a button, each
ticket a card that keeps its status, SLA and score in sight, and no page wider than the screen."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import log_in, watched_page
from tests.browser.test_sweep import PHONE, overflow_problem
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser: Browser, live_server):
    """A phone-sized page that fails the test on any console error or CSP violation."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page, problems = watched_page(context)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def tickets(csm):
    account = AccountFactory(csm=csm, name="Acme Robotics with a rather long legal name GmbH & Co. KG")
    org = OrganizationFactory(account=account)
    requester = SupportUserFactory(organization=org, name="Dana Requester-With-A-Long-Double-Name")
    now = timezone.now()
    urgent = TicketFactory(
        requester=requester,
        subject="Runner keeps timing out on every pipeline since the upgrade to the new version",
        sla_due_at=now + dt.timedelta(hours=3),
        quality_score=62,
    )
    solved = TicketFactory(
        requester=requester, subject="Licence key question", status="solved", quality_score=90
    )
    return urgent, solved


def test_the_menu_button_opens_the_menu(phone: Page, csm, tickets):
    log_in(phone, csm.email)
    phone.goto("/tickets/")
    accounts_link = phone.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts")
    expect(accounts_link).to_be_hidden()  # no stacked menu
    expect(phone.locator("#notification-bell")).to_be_visible()  # the bell stays in sight
    menu = phone.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(accounts_link).to_be_visible()
    expect(phone.get_by_role("button", name="Log out")).to_be_visible()
    assert overflow_problem(phone, "/tickets/") is None
    phone.keyboard.press("Escape")  # closes it, the focus back on the button
    expect(accounts_link).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    accounts_link.click()
    expect(phone).to_have_url(re.compile(r"/accounts/$"))
    expect(phone.get_by_role("heading", name="Accounts", exact=True)).to_be_visible()
    expect(accounts_link).to_be_hidden()  # a new page opens with the menu folded


def test_the_filter_button_reveals_the_filters(phone: Page, csm, tickets):
    log_in(phone, csm.email)
    phone.goto("/tickets/")
    status = phone.get_by_label("Status", exact=True)
    expect(status).to_be_hidden()
    filters = phone.get_by_role("button", name=re.compile(r"^Filters"))
    filters.click()
    expect(status).to_be_visible()
    expect(filters).to_have_attribute("aria-expanded", "true")
    assert overflow_problem(phone, "/tickets/") is None  # the open filters fit too
    status.select_option("solved")
    expect(phone).to_have_url(re.compile(r"status=solved"))
    expect(phone.locator("#list-table")).to_contain_text("Licence key question")
    expect(phone.locator("#list-table")).not_to_contain_text("Runner keeps timing out")
    expect(filters).to_have_text(re.compile(r"Filters \(\d+ set\)"))
    phone.reload()  # opened with a filter set: folded again, and says so
    expect(phone.get_by_label("Status", exact=True)).to_be_hidden()
    expect(phone.get_by_role("button", name=re.compile(r"^Filters"))).to_have_text(re.compile(r"\d+ set"))


def test_a_ticket_row_is_a_card_that_shows_status_sla_and_score(phone: Page, csm, tickets):
    urgent, _ = tickets
    log_in(phone, csm.email)
    phone.goto("/tickets/")
    card = phone.locator("#list-table tbody tr", has_text="Runner keeps timing out")
    expect(card).to_be_visible()
    width = PHONE["width"]
    card_box = card.bounding_box()
    assert card_box and card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= width
    for label, value in (("Status", "Open"), ("SLA", re.compile(r"due in")), ("Score", "62")):
        cell = card.locator(f"td[data-label='{label}']")
        expect(cell).to_be_visible()
        expect(cell).to_contain_text(value)
        box = cell.bounding_box()
        assert box and box["x"] + box["width"] <= width, f"{label} is cut off"
        assert box["y"] - card_box["y"] < 150, f"{label} is not near the top of the card"
        label_text = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert label_text == f'"{label}"', f"the {label} cell is not labelled on the card"
    card.get_by_role("link", name=re.compile("Runner keeps timing out")).click()
    expect(phone).to_have_url(re.compile(rf"/tickets/{urgent.zd_id}/$"))


def test_no_page_a_csm_opens_is_wider_than_the_screen(phone: Page, csm, tickets):
    urgent, _ = tickets
    log_in(phone, csm.email)
    for path in (
        "/tickets/",
        f"/tickets/{urgent.pk}/",
        f"/accounts/{urgent.account_id}/",
        "/accounts/",
        f"/contacts/account/{urgent.account_id}/",
        "/feedback/forward/",
        "/notifications/",
        "/notifications/preferences/",
        "/profile/",
    ):
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
        assert overflow_problem(phone, path) is None, overflow_problem(phone, path)
