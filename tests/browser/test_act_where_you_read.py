"""Act where you read: from a ticket page a CSM teaches the requester from that ticket and
forwards feedback about it; from the request queue they file a new request through the
organization search; the portfolio finds accounts whose collaboration project ID is missing or
invalid. Each action completes the onboarding step it satisfies, with itself as evidence."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.checklist_models import StepAction, StepStatus
from supportops.models import OpsRequest
from tests.browser.conftest import log_in, screenshot
from tests.factories import AccountFactory, ContactFactory, OrganizationFactory, SupportUserFactory
from tests.factories.accounts import start_checklist
from tests.factories.tickets import ReviewedTicketFactory
from tests.factories.users import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _project_celery_app():
    """The email is delivered by a task, through the project's (eager) Celery app."""
    from celery import current_app

    from csmportal.celery import app

    previous = current_app._get_current_object()
    app.set_current()
    yield
    previous.set_current()


@pytest.fixture
def account():
    csm = UserFactory(roles=["CSM"], email="casey@example.com", name="Casey CSM")
    account = AccountFactory(csm=csm, name="Northwind Traders", sold_to_email="bea@northwind.example")
    org = OrganizationFactory(account=account, name="Northwind Traders", am_project_id="TBD", notes="")
    ContactFactory(account=account, first_name="Bea", last_name="Buyer", email="bea@northwind.example")
    ian = SupportUserFactory(organization=org, name="Ian Engineer", email="ian@northwind.example")
    ReviewedTicketFactory(
        requester=ian,
        zd_id=1854,
        subject="Runner cannot clone",
        description="Runner is broken, please call me.",
    )
    start_checklist(account, actor=csm)
    return account


def step(page: Page, title: str):
    return page.locator("li.acc-step").filter(has=page.locator(".acc-step-title", has_text=title))


def test_a_csm_teaches_the_requester_from_the_ticket_they_read(page: Page, account):
    log_in(page, "casey@example.com")
    page.goto("/tickets/")
    page.locator("#list-table").get_by_role("link", name="Runner cannot clone").click()
    ticket_url = page.url

    # The email opens prefilled: to the requester, greeting them, with this ticket's own gaps.
    page.get_by_role("link", name="Teach from this ticket").click()
    expect(page.get_by_role("heading", name="Teach from ticket #1854")).to_be_visible()
    expect(page.get_by_label("To", exact=True)).to_have_value("ian@northwind.example")
    body = page.get_by_label("Message")
    expect(body).to_have_value(re.compile(r"^Hello Ian,"))
    expect(body).to_have_value(re.compile(r"Keep the conversation in the ticket"))
    expect(page.locator(".email-recipients")).to_contain_text("bea@northwind.example (sold-to contact)")

    # The preview follows the edits (htmx, set up once the page has loaded), as the customer
    # will get it.
    page.wait_for_load_state("load")
    body.fill(body.input_value().replace("Hello Ian,", "Hi Ian,"))
    preview = page.locator("#email-preview")
    expect(preview).to_contain_text("Hi Ian,")
    expect(preview).to_contain_text("Your support ticket #1854: tips for faster answers")
    screenshot(page, "tickets-teach-from-ticket")

    # Sent: back on the ticket with the confirmation; the outbox has it.
    page.get_by_role("button", name="Send email").click()
    expect(page).to_have_url(ticket_url)
    expect(page.get_by_role("status")).to_contain_text("Sending “Your support ticket #1854")
    [message] = mail.outbox
    assert message.to == ["ian@northwind.example"] and message.body.startswith("Hi Ian,")

    # The checklist's education step completed itself, with the email as evidence.
    page.goto(f"/accounts/{account.pk}/")
    education = step(page, "Educate the customer on ticket best practice")
    expect(education).to_contain_text("Done by Casey CSM")
    education.get_by_role("link", name="Emailed “Your support ticket #1854: tips for faster answers”").click()
    expect(page.locator("body")).to_contain_text("Hi Ian,")
    assert account.checklists.get().steps.get(action=StepAction.EDUCATION_EMAIL).status == StepStatus.DONE


def test_a_csm_forwards_feedback_about_the_ticket_they_read(page: Page, account):
    log_in(page, "casey@example.com")
    page.goto("/tickets/")
    page.locator("#list-table").get_by_role("link", name="Runner cannot clone").click()
    page.get_by_role("link", name="Forward feedback about this ticket").click()
    expect(page.get_by_label("Ticket")).to_have_value("1854")
    expect(page.locator("#id_account")).to_have_value(str(account.pk))
    expect(page.locator("#ticket-lookup")).to_contain_text("requester Ian Engineer")
    page.get_by_label("Negative").check()
    page.get_by_label("Call").check()
    page.get_by_label("The customer's words").fill("Nobody called back about the runner.")
    page.get_by_role("button", name="Forward to the support managers").click()
    expect(page.get_by_role("status")).to_contain_text("Forwarded")
    expect(page.locator("body")).to_contain_text("1854")


def test_a_checklist_step_links_to_the_action_that_satisfies_it(page: Page, account):
    log_in(page, "casey@example.com")
    page.goto(f"/accounts/{account.pk}/")
    step(page, "Educate the customer on ticket best practice").get_by_role(
        "link", name="Write the education email"
    ).click()
    expect(page.get_by_role("heading", name="Education email")).to_be_visible()
    expect(page.locator(".email-recipients")).to_contain_text("bea@northwind.example")
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/"))

    step(page, "Static organization notes").get_by_role("link", name="Request static notes").click()
    expect(page.get_by_role("heading", name="New request to support ops")).to_be_visible()
    expect(page.locator("#org-results tr", has_text="Northwind Traders")).to_contain_text("not a project ID")


def test_a_csm_files_a_notes_request_from_the_queue_and_the_step_completes(page: Page, account):
    log_in(page, "casey@example.com")

    # The portfolio finds the account by its invalid collaboration project ID.
    page.goto("/accounts/?csm=any")
    page.get_by_label("Collaboration project ID").select_option("missing_or_invalid")
    expect(page).to_have_url(re.compile(r"project_id=missing_or_invalid"))
    expect(page.locator("#list-table")).to_contain_text("Northwind Traders")

    # New request: search for the organization (htmx while typing), then choose the request.
    page.goto("/requests/")
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Account or organization").fill("northw")
    row = page.locator("#org-results tr", has_text="Northwind Traders")
    expect(row).to_contain_text("not a project ID")
    screenshot(page, "requests-new")
    row.get_by_role("link", name="Request static notes").click()
    page.get_by_label("Notes for the support team").fill("Escalations go to the platform team lead.")
    page.get_by_role("button", name="Send to support ops").click()
    expect(page.get_by_role("status")).to_contain_text("is in the support-ops queue")
    item = OpsRequest.objects.get()

    # The static notes step completed itself, with the request as evidence.
    page.goto(f"/accounts/{account.pk}/")
    notes = step(page, "Static organization notes")
    expect(notes).to_contain_text("Done by Casey CSM")
    notes.get_by_role("link", name=re.compile(rf"request #{item.pk}")).click()
    expect(page).to_have_url(re.compile(rf"/requests/{item.pk}/$"))
