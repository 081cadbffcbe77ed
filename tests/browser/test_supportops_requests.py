"""A CSM files a collaboration project ID correction; support ops claim it and mark it done; the
org is changed in Zendesk (the sandbox's API) and synced; the portal verifies and closes it."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Organization
from integrations.runner import run_stream
from supportops.models import OpsRequest, RequestStatus
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def synced_org(sandbox, settings):
    for name, value in sandbox.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""
    settings.GITLAB_URL = "https://gitlab.com"
    for stream in ("salesforce.users", "salesforce.accounts", "zendesk.organizations"):
        run_stream(stream, trigger="test")
    org = Organization.objects.filter(account__isnull=False).select_related("account").first()
    csm = UserFactory(roles=["CSM"], email="casey@example.com", name="Casey CSM")
    org.account.csm = csm
    org.account.save()
    return org


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/auth/login/"))


def test_it_files_a_correction_and_follows_it_to_verified(page: Page, sandbox, synced_org):
    org, account = synced_org, synced_org.account
    UserFactory(roles=["Support ops"], email="opsie@example.com", name="Opsie")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    # The CSM, on the account page: the current link, and "the ID is wrong".
    log_in(page, "casey@example.com")
    page.goto(f"/accounts/{account.pk}/")
    panel = page.locator("#support-ops")
    screenshot(page, "supportops-account-panel")
    if org.am_project_id.isdigit():
        expect(
            panel.get_by_role("link", name=f"https://gitlab.com/projects/{int(org.am_project_id)}")
        ).to_be_visible()
    panel.get_by_role("link", name="The collaboration project ID is wrong").first.click()
    expect(page.get_by_role("heading", name="The collaboration project ID (AM ID) is wrong")).to_be_visible()
    expect(page.get_by_text(f"/agent/organizations/{org.zd_id}/tickets").first).to_be_visible()

    # A wrong collaboration project ID gets a clear error and keeps what was typed.
    page.get_by_label("Correct collaboration project ID").fill("17x")
    page.get_by_label("Collaboration project URL").fill("https://gitlab.com/customers/collab")
    page.get_by_role("button", name="Send to support ops").click()
    wrong = "The collaboration project ID is a number, e.g. 17735787: digits only."
    expect(page.get_by_text(wrong)).to_be_visible()
    expect(page.get_by_label("Collaboration project URL")).to_have_value(
        "https://gitlab.com/customers/collab"
    )

    # The request text follows what is typed (htmx preview), then it is filed.
    page.get_by_label("Correct collaboration project ID").fill("17735787")
    expect(page.get_by_text("digits only")).to_have_count(0)  # the error goes once it is fixed
    preview = page.locator("#request-text")
    expect(preview).to_contain_text(
        "**The AM ID should therefore be**: 17735787 and finally point to https://gitlab.com/customers/collab"
    )
    screenshot(page, "supportops-correction-form")
    page.get_by_role("button", name="Send to support ops").click()
    expect(page.get_by_role("status")).to_contain_text("is in the support-ops queue")
    expect(page.locator("#request-text")).to_contain_text(
        f"**Org**: https://{sandbox.config.zendesk_subdomain}"
    )
    page.get_by_role("button", name="Copy text").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    item = OpsRequest.objects.get()
    assert item.status == RequestStatus.OPEN
    log_out(page)

    # Support ops: the queue, claim, mark done.
    log_in(page, "opsie@example.com")
    expect(page.get_by_role("heading", name="Requests to support ops")).to_be_visible()  # home
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page).to_have_url(re.compile(r"/requests/$"))
    row = page.locator("tr", has_text=account.name)
    row.get_by_role("button", name="Claim").click()
    expect(page.get_by_role("status")).to_contain_text(f"You claimed request #{item.pk}")
    screenshot(page, "supportops-queue")
    page.get_by_role("link", name=str(item.pk), exact=True).click()
    page.get_by_text("Mark done…").click()
    page.get_by_label("Note for the CSM (optional)").fill("Changed in Zendesk.")
    page.get_by_role("button", name="Mark done", exact=True).click()
    expect(page.locator(".page-head .badge")).to_have_text("Done, awaiting verification")
    log_out(page)

    # Support ops change the org in Zendesk; the next org sync sees it.
    response = sandbox.zendesk_session().put(
        f"{sandbox.url}/api/v2/organizations/{org.zd_id}.json",
        json={"organization": {"organization_fields": {"am_project_id": "17735787"}}},
        timeout=10,
    )
    response.raise_for_status()
    run_stream("zendesk.organizations", trigger="test")

    # The CSM sees it verified and closed, with the history.
    log_in(page, "casey@example.com")
    page.goto(f"/requests/{item.pk}/")
    expect(page.locator(".page-head .badge")).to_have_text("Verified")
    history = page.locator("#history")
    expect(history).to_contain_text("Opsie claimed it")
    expect(history).to_contain_text("Changed in Zendesk.")
    expect(history).to_contain_text("The portal verified it in Zendesk")
    screenshot(page, "supportops-verified")
    page.goto(f"/accounts/{account.pk}/")
    expect(page.locator("#support-ops")).to_contain_text("https://gitlab.com/projects/17735787")
