"""A CSM takes a new account through its onboarding checklist, in the browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.checklist_models import Checklist
from integrations.signals import stream_synced
from tests.browser.conftest import log_in, screenshot
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OrganizationFactory,
    SupportUserFactory,
    UserFactory,
)
from tests.factories.accounts import shipped_templates

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_account():
    """A small account the sync just brought in: its org is linked, one contact of two registered."""
    shipped_templates()
    csm = UserFactory(roles=["CSM"], email="casey@example.com", name="Casey CSM")
    account = AccountFactory(
        csm=csm, name="Northwind Traders", seats=30, sold_to_email="Buyer@Northwind.example"
    )
    org = OrganizationFactory(account=account, am_project_id="17735787")
    buyer = ContactFactory(
        account=account, first_name="Bea", last_name="Buyer", email="buyer@northwind.example"
    )
    ContactFactory(account=account, first_name="Ian", last_name="Engineer", email="ian@northwind.example")
    SupportUserFactory(organization=org, name="Bea Buyer", email=buyer.email)
    return account, org


def step(page: Page, title: str):
    return page.locator("li.acc-step").filter(has=page.locator(".acc-step-title", has_text=title))


def test_it_takes_a_new_account_through_its_checklist(page: Page, new_account):
    account, org = new_account
    log_in(page, "casey@example.com")

    # The portfolio: the new account, onboarding not started.
    page.goto("/accounts/")
    row = page.locator("tr").filter(has_text="Northwind Traders")
    expect(row).to_contain_text("not started")
    row.get_by_role("link", name="Northwind Traders").click()
    expect(page.get_by_role("heading", name="Northwind Traders", level=1)).to_be_visible()
    expect(page.locator("#onboarding")).to_contain_text("Onboarding not started")

    # Start the current process (preselected); the automatic steps check themselves at once.
    expect(page.get_by_label("Checklist")).to_have_value(str(_template_pk("support-onboarding")))
    page.get_by_role("button", name="Start checklist").click()
    expect(page.get_by_role("status")).to_contain_text("Started “Onboarding into support”")
    expect(step(page, "Identify the sold-to email")).to_contain_text("Done")
    expect(step(page, "Identify the sold-to email")).to_contain_text("Bea Buyer")
    expect(step(page, "Zendesk organization exists and is linked")).to_contain_text("Done")
    expect(step(page, "Review the Customer Collaboration Project ID")).to_contain_text("Done")
    expect(step(page, "Contact management project")).to_contain_text("Not applicable")
    users = step(page, "Support users in the Zendesk organization")
    expect(users).to_contain_text("1 person can open tickets")
    expect(users).to_contain_text("1 of them is a Salesforce contact")
    expect(page.locator("#onboarding-stat")).to_contain_text("5 / 8")
    screenshot(page, "accounts-checklist-started")

    # A manual step with evidence (htmx: the trail updates too).
    notes = step(page, "Static organization notes")
    notes.get_by_placeholder("Evidence (optional): link or note").fill("https://gitlab.example/ops/issues/42")
    notes.get_by_role("button", name="Mark done").click()
    expect(step(page, "Static organization notes")).to_contain_text("Done by Casey CSM")
    expect(
        step(page, "Static organization notes").get_by_role(
            "link", name="https://gitlab.example/ops/issues/42"
        )
    ).to_be_visible()
    expect(page.locator("#account-trail")).to_contain_text("Completed “Static organization notes (optional)”")
    expect(page.locator("#onboarding-stat")).to_contain_text("6 / 8")

    # A mistake, undone.
    education = step(page, "Educate the customer on ticket best practice")
    education.get_by_role("button", name="Mark done").click()
    expect(step(page, "Educate the customer")).to_contain_text("Done by Casey CSM")
    step(page, "Educate the customer").get_by_role("button", name="Undo").click()
    expect(step(page, "Educate the customer")).to_contain_text("To do")

    # The Managing Support Contacts email, from the template, edited, sent from the portal.
    step(page, "Send an email to the sold-to email").get_by_role("link", name="Write the email").click()
    expect(page.get_by_label("To", exact=True)).to_have_value("Buyer@Northwind.example")
    expect(page.get_by_label("Subject")).to_have_value("Managing your support contacts for Northwind Traders")
    body = page.get_by_label("Message")
    expect(body).to_have_value(re.compile(r"^Hello Bea,"))
    # The one email screen (the education email's too): the account's people, a live preview.
    expect(page.locator(".email-recipients")).to_contain_text("ian@northwind.example")
    # The preview listens through htmx, which sets the form up once the page has loaded: an edit
    # made before that (a busy machine) would change nothing.
    page.wait_for_load_state("load")
    body.fill(body.input_value() + "\nP.S. Ian from your platform team should be on the list.\n")
    expect(page.locator("#email-preview")).to_contain_text("P.S. Ian from your platform team")
    screenshot(page, "accounts-step-email")
    page.get_by_role("button", name="Send email").click()
    expect(page.get_by_role("status")).to_contain_text("it is recorded on the step")
    email_step = step(page, "Send an email to the sold-to email")
    expect(email_step).to_contain_text("Done by Casey CSM")
    expect(email_step).to_contain_text("sent")
    [message] = mail.outbox
    assert message.to == ["Buyer@Northwind.example"] and "P.S. Ian" in message.body

    # The customer adds Ian; after the next sync the step's finding counts him.
    SupportUserFactory(organization=org, name="Ian Engineer", email="IAN@northwind.example")
    stream_synced.send(sender=None, stream="zendesk.users", run=None)
    step(page, "Educate the customer").get_by_role("button", name="Mark done").click()
    users = step(page, "Support users in the Zendesk organization")
    expect(users).to_contain_text("2 people can open tickets")
    expect(users).to_contain_text("verified by the portal")
    expect(page.locator("#onboarding")).to_contain_text("complete")
    expect(page.locator("#account-trail")).to_contain_text(
        "The checklist “Onboarding into support” is complete."
    )
    screenshot(page, "accounts-checklist-complete")

    # Back on the portfolio: done.
    page.goto("/accounts/?onboarding=complete")
    expect(page.locator("tr").filter(has_text="Northwind Traders")).to_contain_text("8/8")
    assert Checklist.objects.get(account=account).completed_at is not None


def test_it_shows_another_csm_the_checklist_read_only(page: Page, new_account):
    account, _org = new_account
    UserFactory(roles=["CSM"], email="other@example.com", name="Other CSM")
    from accounts.checklist_models import ChecklistTemplate
    from accounts.services.checklists import checklist_start

    checklist_start(
        account=account, template=ChecklistTemplate.objects.get(key="support-onboarding"), actor=account.csm
    )
    log_in(page, "other@example.com")
    page.goto(f"/accounts/{account.pk}/")
    expect(page.locator("#onboarding")).to_contain_text("You can read this checklist")
    expect(page.get_by_role("button", name="Mark done")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "accounts-account-page-phone")


def _template_pk(key: str) -> int:
    from accounts.checklist_models import ChecklistTemplate

    return ChecklistTemplate.objects.get(key=key).pk
