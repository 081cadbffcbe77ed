"""A second customer inside an account: a CSM sees that another organization claims the account,
asks support ops to fix it in one click, then confirms the link, and the warning and the marks
on its tickets go away."""

import re

import pytest
from playwright.sync_api import Page, expect

from supportops.models import OpsRequest, RequestKind
from tests.browser.conftest import log_in, screenshot
from tests.factories import AccountFactory, OrganizationFactory, TicketFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MARK = "other organization, not confirmed"


@pytest.fixture
def aurora():
    """The demo's case: "Delta Payments Pte. Ltd." carries Aurora Analytics AG's Salesforce ID."""
    csm = UserFactory(roles=["CSM"], email="casey@example.com", name="Casey CSM")
    account = AccountFactory(name="Aurora Analytics AG", csm=csm, sold_to_email="buyer@auroraanalytics.ch")
    own = OrganizationFactory(account=account, name="Aurora Analytics", domain_names=["auroraanalytics.ch"])
    delta = OrganizationFactory(
        account=account, name="Delta Payments Pte. Ltd.", domain_names=["deltapayments.sg"]
    )
    TicketFactory(requester__organization=own, subject="Runner stuck on our side")
    TicketFactory(requester__organization=delta, subject="Payment webhook retries")
    return account


def test_a_csm_asks_support_ops_to_fix_it_in_one_click_then_confirms_it(page: Page, aurora):
    log_in(page, "casey@example.com")
    page.goto(f"/accounts/{aurora.pk}/")
    warning = page.locator(".acc-claim")
    expect(warning.get_by_role("heading", name="Another organization claims this account")).to_be_visible()
    expect(warning).to_contain_text("Delta Payments Pte. Ltd.")
    expect(warning).to_contain_text("Confirm it, or ask support ops to fix it.")
    screenshot(page, "account-claimed-by-another-org")

    # Its tickets are marked in the account's list (the open tickets count links to it).
    page.get_by_role("link", name=re.compile("Open tickets")).click()
    expect(page.locator("tr", has_text="Payment webhook retries")).to_contain_text(MARK)
    expect(page.locator("tr", has_text="Runner stuck on our side")).not_to_contain_text(MARK)
    page.go_back()

    # One click files the prefilled request; the page says it is under way.
    page.get_by_role("button", name="Ask support ops to fix it").click()
    expect(page.get_by_role("status")).to_contain_text("is in the support-ops queue")
    item = OpsRequest.objects.get()
    assert item.kind == RequestKind.ORG_LINK and "Delta Payments Pte. Ltd." in item.body
    expect(warning).to_contain_text(
        f"Support ops have been asked to correct its salesforce_id: request {item.reference}"
    )
    expect(page.get_by_role("button", name="Ask support ops to fix it")).to_have_count(0)

    # The CSM knows better (the two companies merged): confirming clears the warning and marks.
    page.get_by_role("button", name="Confirm it belongs to Aurora Analytics AG").click()
    expect(page.get_by_role("status")).to_contain_text("Confirmed")
    expect(page.locator(".acc-claim")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Open tickets")).click()
    expect(page.locator("tr", has_text="Payment webhook retries")).to_be_visible()
    expect(page.get_by_text(MARK)).to_have_count(0)
