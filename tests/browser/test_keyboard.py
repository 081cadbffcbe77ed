"""Forms from the keyboard, as a CSM works them: Enter in the ticket lookup picks the ticket
(its account filled in) and submits nothing; after a form error the focus is on the first error;
Tab from the top reaches the skip link first; every control shows a focus ring."""

import re

import pytest
from playwright.sync_api import Page, expect

from feedback.models import Feedback
from tests.browser.conftest import log_in
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(csm):
    AccountFactory(name="Aardvark Corp")  # another account, first in the list
    account = AccountFactory(csm=csm, name="Acme Robotics", region="EMEA")
    org = OrganizationFactory(account=account)
    return TicketFactory(requester=SupportUserFactory(organization=org), subject="Runner keeps timing out")


@pytest.fixture
def other_ticket():
    account = AccountFactory(name="Beta Logistics")
    org = OrganizationFactory(account=account)
    return TicketFactory(requester=SupportUserFactory(organization=org), subject="Pages load slowly")


def active(page: Page, expression: str) -> str:
    """A property of the element that has the focus (e: the element)."""
    return page.evaluate(f"() => {{ const e = document.activeElement; return String({expression}); }}")


def test_enter_in_the_ticket_lookup_picks_the_ticket_and_fills_the_account(page: Page, csm, ticket):
    log_in(page, csm.email)
    page.goto("/feedback/forward/")
    field = page.get_by_label("Ticket", exact=True)
    account = page.locator("#id_account")
    expect(account).to_have_value("")

    # Typed and Enter at once, before the lookup has answered: Enter still picks, submits nothing.
    field.click()
    page.keyboard.type(str(ticket.zd_id))
    page.keyboard.press("Enter")
    expect(field).to_have_value(f"#{ticket.zd_id}")
    expect(account).to_have_value(str(ticket.account_id))
    expect(page.locator("#ticket-lookup")).to_contain_text("Runner keeps timing out")
    expect(page).to_have_url(re.compile(r"/feedback/forward/$"))
    expect(page.locator(".fb-error-summary")).to_have_count(0)  # the form was not sent
    assert Feedback.objects.count() == 0
    expect(field).to_be_focused()  # the focus stays in the field

    # Words: the results list, the first result marked; Enter picks the marked one.
    field.fill("")
    page.keyboard.type("timing out")
    pick = page.get_by_role("button", name=re.compile(rf"#{ticket.zd_id} Runner keeps timing out"))
    expect(pick).to_have_attribute("data-lookup-active", "")
    page.keyboard.press("ArrowDown")  # one result: the marker stays on it
    expect(pick).to_have_attribute("data-lookup-active", "")
    page.keyboard.press("Enter")
    expect(field).to_have_value(f"#{ticket.zd_id}")
    expect(page).to_have_url(re.compile(r"/feedback/forward/$"))
    assert Feedback.objects.count() == 0


def test_the_account_fills_in_from_the_ticket_typed_unless_the_csm_chose_one(
    page: Page, csm, ticket, other_ticket
):
    log_in(page, csm.email)
    page.goto("/feedback/forward/")
    field = page.get_by_label("Ticket", exact=True)
    account = page.locator("#id_account")

    field.fill(str(ticket.zd_id))  # typed, no Enter
    expect(page.locator("#ticket-lookup")).to_contain_text("Found")
    expect(account).to_have_value(str(ticket.account_id))

    field.fill(str(other_ticket.zd_id))  # corrected: the account follows the ticket
    expect(page.locator("#ticket-lookup")).to_contain_text("Pages load slowly")
    expect(account).to_have_value(str(other_ticket.account_id))

    account.select_option(label="Acme Robotics")  # the CSM's own choice stays
    field.fill(f"https://example.zendesk.com/agent/tickets/{other_ticket.zd_id}")
    expect(page.locator("#ticket-lookup")).to_contain_text("belongs to Beta Logistics")
    expect(account).to_have_value(str(ticket.account_id))


def test_after_a_form_error_the_focus_is_on_the_first_error(page: Page, csm, ticket):
    log_in(page, csm.email)
    page.goto(f"/feedback/forward/?ticket={ticket.zd_id}")
    expect(page.locator("#id_account")).to_have_value(str(ticket.account_id))

    page.get_by_role("button", name="Forward to the support managers").click()
    expect(page.locator(".fb-error-summary")).to_be_visible()
    assert active(page, "e.name") == "sentiment"  # the first field in error: nothing chosen

    page.get_by_label("Negative").check()
    page.get_by_label("Call").check()
    page.get_by_role("button", name="Forward to the support managers").click()
    expect(page.locator(".fb-error-summary")).to_be_visible()
    assert active(page, "e.name") == "customer_words"  # now the first error is further down
    expect(page.get_by_label("The customer's words")).to_be_focused()
    page.keyboard.type("We waited four days.")
    page.get_by_role("button", name="Forward to the support managers").click()
    expect(page.get_by_role("status")).to_contain_text("Forwarded to")
    assert Feedback.objects.get().customer_words == "We waited four days."


def test_tab_from_the_top_reaches_the_skip_link_first_and_it_skips_the_menu(page: Page, csm, ticket):
    log_in(page, csm.email)
    page.goto("/tickets/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["width"] > 10, "the skip link is shown when it has the focus"
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is in the page's content, not the menu
    assert page.evaluate("() => !!document.activeElement.closest('main')")
    assert not page.evaluate("() => !!document.activeElement.closest('header')")


# What counts as a visible focus ring: an outline at least 2 px wide, not transparent.
_FOCUS_RING_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' '
    + (e.textContent || e.name || '').trim().slice(0, 30);
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
    && s.outlineColor !== 'rgba(0, 0, 0, 0)';
  return [name, ring];
}"""


@pytest.mark.parametrize("path", ["/tickets/", "/feedback/forward/", "/accounts/"])
def test_every_control_shows_a_focus_ring_when_tabbed_to(page: Page, csm, ticket, path):
    log_in(page, csm.email)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    seen: list[str] = []
    without_ring: list[str] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        found = page.evaluate(_FOCUS_RING_JS)
        if found is None or (seen and found[0] == seen[0]):
            break  # back at the top: every stop visited
        seen.append(found[0])
        if not found[1]:
            without_ring.append(found[0])
    assert len(seen) >= 8, seen
    assert not without_ring, f"no visible focus ring on {without_ring}"
