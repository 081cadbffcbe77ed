"""A CSM opens a ticket from the dashboard: its address is Zendesk's ticket number, the one they
say and see in Zendesk, and a link from an older email (the portal's own id) lands there too."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import SupportLevel
from tests.browser.conftest import log_in
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory
from tests.factories.tickets import ReviewedTicketFactory
from tests.factories.users import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ONE_FORMAT = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}"


def test_a_csm_opens_a_ticket_at_its_zendesk_number_and_an_old_link_lands_there(page: Page):
    csm = UserFactory(roles=["CSM"], email="casey@example.com", name="Casey CSM")
    account = AccountFactory(csm=csm, name="Northwind Traders", support_level=SupportLevel.PRIORITY)
    requester = SupportUserFactory(organization=OrganizationFactory(account=account), name="Ian Engineer")
    opened = timezone.now() - dt.timedelta(hours=3)
    ticket = ReviewedTicketFactory(
        zd_id=1854, requester=requester, subject="Runner cannot clone", zd_created_at=opened
    )
    assert ticket.pk != 1854  # the portal's own id is another number

    log_in(page, "casey@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tickets").click()
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    row = page.locator("#list-table tr", has_text="Runner cannot clone")
    expect(row).to_contain_text(re.compile(ONE_FORMAT))  # opened, in the portal's one date format
    expect(page.get_by_role("link", name="Export CSV")).to_be_visible()

    # The ticket's address is its Zendesk number.
    row.get_by_role("link", name="Runner cannot clone").click()
    expect(page).to_have_url(re.compile(r"/tickets/1854/$"))
    expect(page.get_by_role("heading", name="Runner cannot clone")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text(re.compile(rf"#1854 .*opened {ONE_FORMAT}"))

    # A link from an email sent before (the portal's own id) lands on the same page.
    page.goto(f"/tickets/{ticket.pk}/")
    expect(page).to_have_url(re.compile(r"/tickets/1854/$"))
    expect(page.get_by_role("heading", name="Runner cannot clone")).to_be_visible()
    page.goto(f"/tickets/id/{ticket.pk}/")
    expect(page).to_have_url(re.compile(r"/tickets/1854/$"))
