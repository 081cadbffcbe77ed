"""A CSM sees the bell count go up when a customer opens a ticket, and marks it read."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory
from tests.notifications.conftest import announce

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bell_shows_a_new_ticket_within_seconds_and_clears_when_read(page, csm):
    org = OrganizationFactory(account=AccountFactory(name="Acme Rockets", csm=csm))
    log_in(page, csm.email)
    page.goto("/tickets/")
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 0 unread")
    expect(bell.locator(".bell-count")).to_have_count(0)

    # A customer opens a ticket; the sync sees it and announces it (as after its commit).
    ticket = TicketFactory(
        requester=SupportUserFactory(organization=org), subject="Runner is down <b>again</b>"
    )
    announce(ticket)
    assert len(mail.outbox) == 1

    expect(bell.locator(".bell-count")).to_have_text("1", timeout=25_000)  # the bell polls every 10 s
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    screenshot(page, "notifications-bell-unread")

    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/\?state=unread$"))
    row = page.locator(f"#notification-{notification_pk(ticket)}")
    expect(row).to_have_class("unread")
    expect(row).to_contain_text("Runner is down <b>again</b>")  # customer text shown as text
    screenshot(page, "notifications-list")

    row.get_by_role("button", name="Mark read").click()
    expect(row).not_to_have_class("unread")
    expect(row.get_by_role("button", name="Mark unread")).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_count(0)  # told at once, not at the next poll
    expect(bell).to_have_attribute("aria-label", "Notifications: 0 unread")


def notification_pk(ticket):
    from notifications.models import Notification

    return Notification.objects.get(ticket=ticket).pk


def test_following_an_account_from_its_page_without_a_reload(page, csm):
    account = AccountFactory(name="Globex")
    log_in(page, csm.email)
    page.goto(f"/accounts/{account.pk}/")
    panel = page.locator("#notifications-panel")
    expect(panel).to_contain_text("Follow this account")
    panel.get_by_role("button", name="Follow").click()
    expect(panel).to_contain_text("You follow this account")
    expect(panel).to_contain_text("Followers: Casey CSM")
    panel.get_by_role("button", name="Unfollow").click()
    expect(panel).to_contain_text("Nobody follows this account")


def test_the_link_fixer_opens_the_agent_page(page, csm):
    log_in(page, csm.email)
    page.goto("/go/")
    page.fill("#id_url", "https://example.zendesk.com/api/v2/tickets/123456.json")
    # Tests do not reach the internet: answer the portal's redirect here instead of following it.
    redirects: list[tuple[int, str]] = []

    def stop_at_redirect(route):
        response = route.fetch(max_redirects=0)
        redirects.append((response.status, response.headers.get("location", "")))
        route.fulfill(status=200, body="redirected")

    page.route(re.compile(r"/go/\?url="), stop_at_redirect)
    page.get_by_role("button", name="Open in Zendesk").click()
    expect(page.locator("body")).to_have_text("redirected")
    assert redirects == [(302, "https://example.zendesk.com/agent/tickets/123456")]
