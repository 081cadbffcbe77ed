"""A CSM's morning: the dashboard, a ticket's review, the account review, the education email."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import AccountEvent, SupportLevel
from tests.browser.conftest import log_in, screenshot
from tests.factories import (
    AccountFactory,
    CommentFactory,
    ContactFactory,
    OrganizationFactory,
    SupportUserFactory,
)
from tests.factories.tickets import ReviewedTicketFactory
from tests.factories.users import UserFactory
from tickets.services import ticket_reviews_refresh

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

GOOD = (
    "Since the upgrade to 17.1 on Monday, every deploy job fails, blocking 30 developers.\n"
    "Steps to reproduce:\n1. Push to main\n2. Watch the deploy job\n"
    "Current behaviour: it fails with exit code 1.\nExpected behaviour: the job should pass.\n"
    "Recent changes: we upgraded from 17.0 to 17.1 on Sunday evening, nothing else changed at all."
)


@pytest.fixture(autouse=True)
def _project_celery_app():
    """The email is delivered by a task: through the project's (eager) Celery app, even if an
    earlier test in this process made another app the current one."""
    from celery import current_app

    from csmportal.celery import app

    previous = current_app._get_current_object()
    app.set_current()
    yield
    previous.set_current()


@pytest.fixture
def morning():
    csm = UserFactory(roles=["CSM"], email="casey@example.com", name="Casey CSM")
    other = UserFactory(roles=["CSM"], email="olive@example.com", name="Olive CSM")
    account = AccountFactory(csm=csm, name="Northwind Traders", support_level=SupportLevel.PRIORITY)
    org = OrganizationFactory(account=account)
    ContactFactory(account=account, first_name="Bea", last_name="Buyer", email="bea@northwind.example")
    requester = SupportUserFactory(organization=org, name="Ian Engineer", email="ian@northwind.example")
    agent = SupportUserFactory(organization=None, role="agent", name="Sam Support")
    now = timezone.now()
    leaky = ReviewedTicketFactory(
        requester=requester,
        subject="Runner cannot clone",
        description="Runner is broken since this morning, please call me. Token: glpat-9xY2kLmN4pQr7sTu1vWz",
        priority="high",
        preferred_region="",
        zd_created_at=now - dt.timedelta(hours=2),
    )
    CommentFactory(
        ticket=leaky,
        author=agent,
        body="Could you send the runner logs?",
        created_at=now - dt.timedelta(hours=1),
    )
    ticket_reviews_refresh(ticket_ids=[leaky.pk])
    for days in (3, 10, 17, 24):
        ReviewedTicketFactory(
            requester=requester,
            subject=f"Pipelines slow ({days} days ago)",
            description="broken again" if days % 2 else GOOD,
            preferred_region="all_regions",
            zd_created_at=now - dt.timedelta(days=days),
        )
    theirs = AccountFactory(csm=other, name="Contoso")
    ReviewedTicketFactory(
        requester=SupportUserFactory(organization=OrganizationFactory(account=theirs)), subject="Contoso SAML"
    )
    return account, leaky


def test_a_csm_goes_from_the_dashboard_to_a_ticket_to_the_drafted_email(page: Page, morning):
    account, _leaky = morning
    log_in(page, "casey@example.com")

    # From home, the dashboard opens on the CSM's own accounts.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tickets").click()
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    table = page.locator("#list-table")
    expect(table).to_contain_text("Runner cannot clone")
    expect(table).not_to_contain_text("Contoso SAML")
    expect(table.locator("tr", has_text="Runner cannot clone")).to_contain_text("Secret shared")
    screenshot(page, "tickets-dashboard")

    # A filter updates only the table (htmx) and the URL keeps it.
    page.get_by_label("Best-practice finding").select_option("sensitive")
    expect(page).to_have_url(re.compile(r"finding=sensitive"))
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("heading", name="Tickets", level=1)).to_be_visible()

    # The ticket: the review quotes what it found, with the secret masked, and explains the SLA.
    table.get_by_role("link", name="Runner cannot clone").click()
    expect(page.get_by_role("heading", name="Runner cannot clone")).to_be_visible()
    review = page.locator("#review")
    expect(review).to_contain_text("Call requested in the first submission")
    expect(review).to_contain_text("please call me")
    expect(review).to_contain_text("Sensitive information shared")
    expect(review).to_contain_text("Follow-up items not answered")
    expect(page.locator("body")).not_to_contain_text("glpat-9xY2kLmN4pQr7sTu1vWz")
    expect(page.locator(".sla")).to_contain_text("first reply within 4 hours")
    review.get_by_role("button", name="Copy").click()
    expect(review.get_by_role("button", name="Copied")).to_be_visible()
    screenshot(page, "tickets-ticket")

    # The account review: charts drawn from our own static Chart.js.
    page.get_by_role("link", name="Review Northwind Traders").click()
    expect(page.get_by_role("heading", name="Ticket review: Northwind Traders")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-gaps'))")
    assert (
        page.evaluate(
            "() => Chart.getChart(document.getElementById('chart-tickets'))"
            ".data.datasets[0].data.reduce((a, b) => a + b, 0)"
        )
        == 5
    )
    expect(page.locator("table").first).to_contain_text("First submission short on detail")
    screenshot(page, "tickets-account-review")

    # The drafted email: the account's common gaps with the handbook's advice; edit, then send.
    page.get_by_role("link", name="Draft an education email").click()
    body = page.get_by_label("Message")
    expect(body).to_have_value(re.compile(r"Put all the detail into the first message"))
    expect(body).to_have_value(re.compile(r"Casey CSM$"))
    page.get_by_label("To", exact=True).fill("bea@northwind.example")
    body.fill(body.input_value().replace("Hello,", "Hello Bea,"))
    screenshot(page, "tickets-education-email")
    page.get_by_role("button", name="Send email").click()

    expect(page.get_by_role("status")).to_contain_text("Sending")
    expect(page).to_have_url(re.compile(rf"/tickets/accounts/{account.pk}/review/"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bea@northwind.example"]
    assert mail.outbox[0].body.startswith("Hello Bea,")
    assert AccountEvent.objects.filter(account=account, verb="tickets.education_email_sent").count() == 1


def test_the_dashboard_works_without_javascript(browser, live_server, morning):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "casey@example.com")
    page.goto("/tickets/")
    page.get_by_label("Priority").select_option("high")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"priority=high"))
    expect(page.locator("#list-table tbody tr")).to_have_count(1)
    context.close()
