"""Journeys of a support manager and an admin: the manager acts on a feedback item with what they
need on the page, covers the review rotation themselves, and an admin looks after the team."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from csmportal.dates import day
from feedback.models import RotationWeek
from feedback.rotation import current_week_start
from tests.browser.conftest import log_in, screenshot
from tests.factories import (
    AccountFactory,
    OrganizationFactory,
    SupportUserFactory,
    TicketFactory,
    UserFactory,
)
from tests.factories.accounts import SalesforceUserFactory
from tests.factories.feedback import FeedbackFactory, RatingFactory, RotationWeekFactory
from users.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def week(n: int) -> dt.date:
    return current_week_start() + dt.timedelta(weeks=n)


def test_a_manager_opens_an_item_and_has_what_they_need_to_act(page: Page, csm, manager):
    manager.time_zone = "Europe/London"
    manager.save()
    renewal = timezone.localdate() + dt.timedelta(days=45)
    account = AccountFactory(
        csm=csm, name="Acme Robotics", region="EMEA", renewal_date=renewal, arr=Decimal(250000)
    )
    org = OrganizationFactory(account=account)
    requester = SupportUserFactory(organization=org, name="Robin Requester", email="robin@acme.example")
    ticket = TicketFactory(requester=requester, subject="Runner keeps timing out")
    RatingFactory(
        ticket=ticket, score="bad", comment="Waited days; my key glpat-abcdefghijklmnopqrst still fails"
    )
    RatingFactory(account=account, ticket=None, zd_ticket_id=777, score="good", comment="Fast this time.")
    due = dt.datetime(2030, 12, 10, 17, 0, tzinfo=dt.UTC)
    item = FeedbackFactory(
        account=account, ticket=ticket, forwarded_by=csm, reviewing_manager=manager,
        wants_manager_contact=True, first_response_due_at=due,
    )  # fmt: skip

    log_in(page, manager.email)
    page.goto("/feedback/")
    page.get_by_role("row", name=re.compile("Acme Robotics")).get_by_role("link", name=f"#{item.pk}").click()
    details = page.locator("aside")
    expect(details).to_contain_text("Robin Requester")
    expect(details.get_by_role("link", name="robin@acme.example")).to_be_visible()
    expect(details).to_contain_text(str(csm))
    expect(details.get_by_role("link", name=csm.email)).to_be_visible()
    expect(details).to_contain_text(day(renewal))
    expect(details).to_contain_text("250,000")
    expect(details).to_contain_text("Tuesday 10 Dec 2030, 17:00 London")
    ratings = page.get_by_role("region", name="Recent ratings")
    expect(ratings).to_contain_text("Waited days")
    expect(ratings).not_to_contain_text("glpat-abcdefghijklmnopqrst")
    expect(ratings).to_contain_text("Fast this time.")
    contact = page.locator("fieldset", has_text="Contact customer")
    expect(contact.get_by_label("Yes")).to_be_checked()
    expect(contact).to_contain_text("Yes is preselected")
    screenshot(page, "feedback-item-manager")


def test_a_manager_takes_an_empty_week_then_swaps_with_a_colleague(page: Page, manager):
    colleague = UserFactory(roles=["Support manager"], name="Second Manager", email="second@example.com")
    for n in (0, 2, 3):
        RotationWeekFactory(week_start=week(n), manager=colleague)

    log_in(page, manager.email)
    page.goto("/feedback/")
    warning = page.get_by_role("note")
    expect(warning).to_contain_text(f"Nobody is on review duty in the week of {day(week(1))}")
    warning.get_by_role("button", name=f"Take the week of {day(week(1))}").click()
    expect(page.get_by_role("status")).to_contain_text("You are on duty in the week of")
    expect(page.get_by_role("note")).to_have_count(0)  # the coming weeks are covered

    page.get_by_role("link", name="Review rotation").click()
    swap = page.get_by_role("row", name=re.compile(rf"{week(2):%a} {week(2).day} {week(2):%b}"))
    swap.get_by_label(re.compile("Your week to give")).select_option(week(1).isoformat())
    swap.get_by_role("button", name=re.compile("Swap with Second Manager")).click()
    expect(page.get_by_role("status")).to_contain_text("Swapped: you have the week of")
    assert RotationWeek.objects.get(week_start=week(1)).manager == colleague
    assert RotationWeek.objects.get(week_start=week(2)).manager == manager
    assert any(colleague.email in m.to for m in mail.outbox)  # the colleague is told

    page.get_by_role("link", name="Queue").click()
    expect(page.get_by_role("heading", name="Feedback queue")).to_be_visible()
    expect(page.get_by_role("note")).to_have_count(0)


def test_an_admin_invites_grants_a_role_sees_the_rotation_and_follows_the_counts(
    page: Page, admin_user, csm, settings
):
    settings.EMAIL_BACKEND = "notifications.mail.OutboxBackend"  # the demo's: every email kept
    waiting = TicketFactory(zd_requester_id=4711, requester=None, subject="Requester not synced yet")
    RotationWeekFactory(week_start=week(0), manager=UserFactory(roles=["Support manager"], name="Mo Manager"))
    sf_csm = SalesforceUserFactory(name="Sam Salesforce", email="sam.sf@example.com")
    AccountFactory(name="Unowned Account", csm=None, csm_sf_user_id=sf_csm.sf_id)

    log_in(page, admin_user.email)
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    invite = page.get_by_role("region", name="Invite someone")
    expect(invite).to_contain_text("An email goes out to the address")
    invite.get_by_label("Email address").fill("new.csm@example.com")
    invite.get_by_label("Name").fill("New CSM")
    invite.get_by_label("CSM", exact=True).check()
    invite.get_by_role("button", name="Invite and send the email").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation emailed to new.csm@example.com")
    assert User.objects.get(email="new.csm@example.com").groups.filter(name="CSM").exists()

    # The outbox has the invitation (its one-time link only the recipient sees).
    page.goto("/notifications/outbox/")
    page.get_by_role("row", name=re.compile("new.csm@example.com")).get_by_role("link").click()
    expect(page.get_by_role("heading", name="You are invited to the CSM Portal")).to_be_visible()
    expect(page.locator("pre")).to_contain_text("Choose your password here")

    page.get_by_role("link", name="Team").click()

    page.get_by_role("button", name=f"Grant Support ops to {csm}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{csm} has the Support ops role now.")
    expect(page.get_by_role("button", name=f"Revoke Support ops from {csm}")).to_be_visible()
    screenshot(page, "team")

    # The rotation: who is on duty, and the first week nobody covers.
    rotation = page.get_by_role("region", name="Review rotation")
    expect(rotation.get_by_role("row", name=re.compile(re.escape(day(week(0)))))).to_contain_text(
        "Mo Manager"
    )
    expect(rotation).to_contain_text(f"Nobody on duty in the week of {day(week(1))}")

    # The Salesforce CSMs without a login: counted, and invited from the list behind the count.
    without_login = page.get_by_role("region", name="Salesforce CSMs without a login")
    expect(without_login).to_contain_text("1 CSM named in Salesforce has no portal login yet")
    without_login.get_by_role("link", name="People to invite").click()
    row = page.get_by_role("row", name=re.compile("Sam Salesforce"))
    expect(row).to_contain_text("Unowned Account")
    row.get_by_role("button", name="Invite as CSM").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to sam.sf@example.com")
    page.get_by_role("link", name="Team").click()

    page.get_by_role("link", name="Sync").click()
    page.get_by_role("link", name=re.compile("tickets whose requester is not in the portal")).click()
    expect(page.get_by_role("heading", name="Tickets whose requester is not in the portal")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(f"#{waiting.zd_id}"))).to_contain_text("4711")
