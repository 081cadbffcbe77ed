"""Journeys of the notifications: what happens to my request reaches my bell; I mute an
account (asked first) and unmute it, follow another and choose the daily digest, and find the
diagnostics in the preferences; in the demo, a customer opens a ticket with one click (from an
account page or the notifications page) and the bell shows it within seconds."""

import re

import pytest
from playwright.sync_api import expect

from notifications.models import AccountWatch, Delivery, Notification, NotificationPreference, WatchKind
from tests.browser.conftest import log_in, screenshot, watched_page
from tests.factories import (
    AccountFactory,
    OpsRequestFactory,
    OrganizationFactory,
    SupportUserFactory,
    TicketFactory,
)
from tests.notifications.conftest import announce, sandbox_customer
from tests.webhook_install import install_webhook

pytestmark = pytest.mark.django_db(transaction=True)


def test_support_ops_claim_a_csms_request_and_the_csms_bell_shows_claimed(
    page, browser, live_server, csm, ops
):
    account = AccountFactory(name="Acme Rockets", csm=csm)
    org = OrganizationFactory(account=account, name="Acme Rockets")
    item = OpsRequestFactory(organization=org, account=account, requested_by=csm)
    log_in(page, csm.email)
    page.goto("/accounts/")
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 0 unread")

    # Meanwhile support ops, in their own browser, claim the request from their queue.
    context = browser.new_context(base_url=live_server.url)
    ops_page, problems = watched_page(context)
    log_in(ops_page, ops.email)
    ops_page.goto("/requests/")
    ops_page.locator("tr", has_text="Acme Rockets").get_by_role("button", name="Claim").click()
    expect(ops_page.get_by_role("status")).to_contain_text(f"You claimed request #{item.pk}")
    context.close()
    assert not problems, problems

    # The CSM's bell tells them (it asks every 10 s), naming what happened.
    expect(bell.locator(".bell-count")).to_have_text("1", timeout=25_000)
    expect(bell).to_contain_text("Support Ops claimed your request")
    bell.hover()
    expect(bell.locator(".bell-newest")).to_be_visible()
    screenshot(page, "notifications-bell-claimed")
    bell.click()
    row = page.locator("tr.event")
    expect(row).to_contain_text("Claimed")
    expect(row).to_contain_text(f"Support Ops claimed your request #{item.pk}")
    row.get_by_role("link", name=re.compile("claimed your request")).click()
    expect(page).to_have_url(re.compile(rf"/requests/{item.pk}/$"))
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications: 0 unread")


def test_a_csm_mutes_an_account_after_confirming_follows_another_and_chooses_the_daily_digest(page, csm):
    mine = AccountFactory(name="Acme Rockets", csm=csm)
    org = OrganizationFactory(account=mine, name="Acme Rockets")
    AccountFactory(name="Globex")
    log_in(page, csm.email)
    page.goto("/notifications/preferences/")

    # Mute: asked first; cancelling changes nothing.
    managed = page.locator("#managed-accounts")
    managed.get_by_role("button", name="Mute Acme Rockets").click()
    expect(page.get_by_role("heading", name="Mute Acme Rockets?")).to_be_visible()
    expect(page.locator("#mute-confirm")).to_contain_text("Its new tickets will no longer notify you")
    screenshot(page, "notifications-mute-confirm")
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(r"/notifications/preferences/$"))
    assert not AccountWatch.objects.exists()
    managed.get_by_role("button", name="Mute Acme Rockets").click()
    page.get_by_role("button", name="Yes, mute Acme Rockets").click()
    expect(page.get_by_role("status")).to_contain_text("Acme Rockets is muted")
    expect(page.locator("#managed-accounts")).to_contain_text("Muted")
    expect(page.locator("#muted-accounts")).to_contain_text("Acme Rockets")

    # A new ticket on the muted account notifies nobody: the bell stays empty.
    announce(TicketFactory(requester=SupportUserFactory(organization=org), subject="Runner down"))
    assert not Notification.objects.exists()
    page.reload()
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications: 0 unread")

    # Unmute: its next new ticket reaches the bell again.
    page.locator("#muted-accounts").get_by_role("button", name="Unmute Acme Rockets").click()
    expect(page.get_by_role("status")).to_contain_text("Acme Rockets is no longer muted")
    expect(page.locator("#muted-accounts")).not_to_contain_text("Acme Rockets")
    assert not AccountWatch.objects.exists()
    announce(TicketFactory(requester=SupportUserFactory(organization=org), subject="Runner down again"))
    page.reload()
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications: 1 unread")

    # Follow another account from the preferences.
    page.get_by_label("Account").select_option(label="Globex")
    page.locator("#followed-accounts").get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You now follow Globex")
    expect(page.locator("#followed-accounts")).to_contain_text("Globex")
    assert AccountWatch.objects.filter(kind=WatchKind.FOLLOW, account__name="Globex", user=csm).exists()

    # The daily digest instead of an email per ticket.
    page.get_by_label(re.compile("Daily digest")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Your notification preference is saved.")
    page.reload()
    expect(page.get_by_label(re.compile("Daily digest"))).to_be_checked()
    assert NotificationPreference.objects.get(user=csm).delivery == Delivery.DAILY
    screenshot(page, "notifications-preferences")

    # The diagnostics are at the foot of the preferences, not in the notifications' toolbar.
    diagnostics = page.locator(".diagnostics")
    expect(diagnostics.get_by_role("link", name="new tickets that notified nobody")).to_be_visible()
    page.goto("/notifications/")
    expect(page.locator(".page-head")).not_to_contain_text("notified nobody")
    expect(page.get_by_role("link", name=re.compile("notified nobody|[Oo]utbox|[Ff]indings"))).to_have_count(
        0
    )


@pytest.mark.parametrize("where", ["the account page", "the notifications page"])
def test_in_the_demo_a_click_opens_a_customers_ticket_and_the_bell_shows_it_within_5_seconds(
    page, csm, make_sandbox, live_server, settings, where
):
    handle = make_sandbox()
    install_webhook(settings, handle, live_server.url)  # as `make run` does, through Zendesk's API
    account, *_ = sandbox_customer(handle, csm)

    log_in(page, csm.email)
    page.goto(f"/accounts/{account.pk}/" if where == "the account page" else "/notifications/")
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 0 unread")
    page.get_by_role("button", name="Open a ticket as this customer").click()
    status = page.locator("#demo-ticket-status")
    expect(status).to_contain_text("Robin Customer")
    expect(bell.locator(".bell-count")).to_have_text("1", timeout=5_000)
    expect(status).to_contain_text("notified Casey CSM")
    ticket = Notification.objects.get(recipient=csm).ticket
    assert ticket.requester.name == "Robin Customer" and ticket.account == account
    expect(bell).to_contain_text(f"New ticket #{ticket.zd_id} from Acme Rockets")
    screenshot(page, f"demo-open-a-ticket-from-{where.split()[1]}")
