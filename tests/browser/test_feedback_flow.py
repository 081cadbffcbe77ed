"""Feedback in a real browser: a CSM forwards an item, the manager on duty works it to closed,
and the CSM sees the outcome. Also the one-click forward of a bad rating and the cadence page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from feedback.models import Feedback
from tests.browser.conftest import log_in, screenshot
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory
from tests.factories.feedback import RatingFactory, RotationWeekFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(csm):
    account = AccountFactory(csm=csm, name="Acme Robotics", region="EMEA")
    org = OrganizationFactory(account=account)
    return TicketFactory(requester=SupportUserFactory(organization=org), subject="Runner keeps timing out")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/auth/login/|/$"))


def test_it_forwards_an_item_as_a_csm_and_closes_it_as_the_manager(page: Page, csm, manager, ticket):
    RotationWeekFactory(manager=manager)

    # The CSM forwards: finds the ticket by words from its subject and picks it.
    log_in(page, csm.email)
    page.goto("/feedback/")
    page.get_by_role("link", name="Forward feedback").first.click()
    expect(page.get_by_role("heading", name="Forward customer feedback")).to_be_visible()
    expect(page.get_by_text(f"{manager} is the support manager on review duty")).to_be_visible()
    page.get_by_label("Ticket", exact=True).fill("timing out")
    pick = page.get_by_role("button", name=re.compile(rf"#{ticket.zd_id} Runner keeps timing out"))
    pick.click()
    expect(page.get_by_label("Ticket", exact=True)).to_have_value(f"#{ticket.zd_id}")
    expect(page.locator("#id_account")).to_have_value(str(ticket.account_id))
    expect(page.locator("#ticket-lookup")).to_contain_text("Found")
    page.get_by_label("Negative").check()
    page.get_by_label("Call").check()
    page.get_by_label("The customer's words").fill("We waited four days for an answer.")
    page.get_by_label("Your context").fill("Renewal is in six weeks.")
    page.get_by_label("The customer asks to be contacted by a manager").check()
    screenshot(page, "feedback-forward")
    page.get_by_role("button", name="Forward to the support managers").click()
    expect(page.get_by_role("status")).to_contain_text(f"Forwarded to {manager}")
    expect(page.get_by_text("48 hours Mon-Fri", exact=False)).to_be_visible()
    item = Feedback.objects.get()
    assert item.reviewing_manager == manager and item.wants_manager_contact
    assert any(manager.email in m.to for m in mail.outbox)  # the manager on duty is told
    log_out(page)

    # The manager finds it in the queue, triages, actions and closes it.
    log_in(page, manager.email)
    expect(page.get_by_role("heading", name="Feedback queue")).to_be_visible()  # home
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    expect(page).to_have_url(re.compile(r"/feedback/$"))
    row = page.get_by_role("row", name=re.compile("Acme Robotics"))
    expect(row).to_contain_text("wants a manager")
    screenshot(page, "feedback-queue")
    row.get_by_role("link", name=f"#{item.pk}").click()
    page.get_by_label("Summary").fill("Four days without a first reply on a normal ticket.")
    page.get_by_label("Action").fill("Review the queue assignment; call the customer.")
    page.locator("fieldset", has_text="Contact customer").get_by_label("Yes").check()
    page.locator("fieldset", has_text="Make CSM aware").get_by_label("Yes").check()
    page.get_by_role("button", name="Triage", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Triaged.")
    page.get_by_label("What was done").fill("Called the customer; the engineer is coached.")
    page.get_by_role("button", name="Mark actioned").click()
    expect(page.get_by_role("status")).to_contain_text("Marked actioned")
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Closed.")
    expect(page.locator("ol.fb-steps li.current")).to_have_text("Closed")
    screenshot(page, "feedback-item-closed")
    log_out(page)

    # The CSM's bell has each step the manager took; the list names them.
    log_in(page, csm.email)
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 3 unread")
    bell.click()
    for kind, line in (
        ("Triaged", "triaged your feedback on Acme Robotics"),
        ("Actioned", "actioned your feedback on Acme Robotics"),
        ("Closed", "closed your feedback on Acme Robotics"),
    ):
        expect(page.locator("tr.event", has_text=line)).to_contain_text(kind)

    # The CSM sees the state and the outcome of what they forwarded.
    page.goto("/feedback/")
    row = page.get_by_role("row", name=re.compile("Acme Robotics"))
    expect(row).to_contain_text("Closed")
    expect(row).to_contain_text("Called the customer; the engineer is coached.")
    assert any(csm.email in m.to and "actioned" in m.subject for m in mail.outbox)


def test_it_turns_a_bad_rating_into_feedback_in_one_click(page: Page, csm, ticket):
    RatingFactory(ticket=ticket, score="bad", comment="Nobody read my logs.", reason="Slow")
    RatingFactory(ticket=ticket, score="good", comment="Thanks!")
    log_in(page, csm.email)
    page.goto("/feedback/ratings/")
    expect(page.locator("canvas[data-trend]")).to_have_attribute("data-drawn", "1")  # the chart is drawn
    screenshot(page, "feedback-ratings")
    page.get_by_role("button", name="Forward as feedback").click()
    expect(page.get_by_role("status")).to_contain_text("Forwarded to the support managers")
    expect(page.locator("blockquote")).to_have_text("Nobody read my logs.")
    page.goto("/feedback/ratings/")
    expect(page.get_by_role("button", name="Forward as feedback")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"Item #\d+"))).to_be_visible()


def test_it_shows_the_cadence_page_ready_to_print(page: Page, csm, ticket):
    RatingFactory(ticket=ticket, score="bad", comment="Slow.")
    ticket.quality_score = 45
    ticket.quality_findings = [{"code": "steps", "outcome": "missing", "message": "No steps."}]
    ticket.save()
    log_in(page, csm.email)
    page.goto(f"/accounts/{ticket.account_id}/")
    page.get_by_role("link", name="Before the cadence call").click()
    expect(page.get_by_role("heading", name="Before the cadence call: Acme Robotics")).to_be_visible()
    gaps = page.get_by_role("region", name="Best-practice gaps to talk about")
    expect(
        gaps.get_by_role("row", name=re.compile(rf"No steps to reproduce.*1.*#{ticket.zd_id}"))
    ).to_be_visible()
    expect(page.locator("canvas[data-trend]")).to_have_attribute("data-drawn", "1")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    screenshot(page, "feedback-cadence-print")


def test_it_filters_the_queue_and_redraws_the_chart_in_place(page: Page, manager, ticket):
    import datetime as dt

    from django.utils import timezone

    from tests.factories.feedback import FeedbackFactory

    FeedbackFactory(
        ticket=ticket, account=ticket.account, first_response_due_at=timezone.now() - dt.timedelta(days=1)
    )
    FeedbackFactory(
        ticket=ticket, account=ticket.account, customer_words="Fine, thanks", sentiment="positive"
    )
    RatingFactory(ticket=ticket, score="bad", comment="Slow.")
    log_in(page, manager.email)
    # Home counts the overdue item; the queue holds both.
    overdue = page.get_by_role("navigation", name="Feedback that needs attention").get_by_role(
        "link", name=re.compile("Overdue first response")
    )
    expect(overdue).to_contain_text("1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    expect(page.locator("#list-table tbody tr")).to_have_count(2)
    expect(page.locator("tr.fb-overdue")).to_have_count(1)
    page.get_by_label("Due").select_option("overdue")
    expect(page.locator("#list-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"due=overdue"))
    page.get_by_label("Search").fill("Fine, thanks")
    expect(page.get_by_text("No open feedback matches")).to_be_visible()

    page.goto("/feedback/ratings/")
    expect(page.locator("canvas[data-trend]")).to_have_attribute("data-drawn", "1")
    page.get_by_label("Period").select_option("365")
    expect(page).to_have_url(re.compile(r"period=365"))
    expect(page.locator("canvas[data-trend]")).to_have_attribute("data-drawn", "1")  # the new chart


def test_a_ticket_given_in_the_address_is_looked_up_when_the_form_opens(page: Page, csm, ticket):
    """Forwarding from a ticket fills the ticket field; it is looked up at once, without typing
    (feedback.js sends the lookup: the Content-Security-Policy allows htmx no eval)."""
    log_in(page, csm.email)
    page.goto(f"/feedback/forward/?ticket={ticket.zd_id}")
    expect(page.locator("#ticket-lookup")).to_contain_text("Found")
    expect(page.locator("#ticket-lookup")).to_contain_text("Runner keeps timing out")
