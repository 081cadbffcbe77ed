"""What a manager needs on an item to act: the requester, the account's CSM, renewal and ARR,
recent ratings (masked), "Contact customer" preselected when the customer asks for a manager,
and the due date in plain calendar words on the manager's clock."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from csmportal.dates import day
from feedback.deadlines import plain_due, zone_label
from feedback.forms import TriageForm
from tests.factories import AccountFactory
from tests.factories.feedback import FeedbackFactory, RatingFactory

pytestmark = pytest.mark.django_db


def test_it_writes_a_due_date_in_plain_words_on_a_named_clock():
    from zoneinfo import ZoneInfo

    at = dt.datetime(2026, 12, 8, 17, 0, tzinfo=dt.UTC)
    assert (
        plain_due(at, ZoneInfo("Europe/London"), today=dt.date(2026, 12, 7)) == "Tuesday 8 Dec, 17:00 London"
    )
    assert (
        plain_due(at, ZoneInfo("America/New_York"), today=dt.date(2026, 12, 7))
        == "Tuesday 8 Dec, 12:00 New York"
    )
    assert plain_due(at, ZoneInfo("UTC"), today=dt.date(2027, 1, 2)) == "Tuesday 8 Dec 2026, 17:00 UTC"
    assert zone_label(ZoneInfo("America/Argentina/Buenos_Aires")) == "Buenos Aires"


@pytest.fixture
def item(csm, ticket, on_duty):
    account = ticket.account
    account.renewal_date = timezone.localdate() + dt.timedelta(days=40)
    account.arr = Decimal("125000.00")
    account.save()
    return FeedbackFactory(
        forwarded_by=csm,
        account=account,
        ticket=ticket,
        reviewing_manager=on_duty,
        wants_manager_contact=True,
        first_response_due_at=dt.datetime(2030, 12, 10, 17, 0, tzinfo=dt.UTC),
    )


def test_it_shows_the_requester_csm_renewal_arr_and_recent_ratings(client, item, manager, csm):
    requester = item.ticket.requester
    RatingFactory(ticket=item.ticket, score="bad", comment="My token glpat-abcdefghijklmnopqrst leaked")
    other_ticket_rating = RatingFactory(account=item.account, ticket=None, zd_ticket_id=4242, score="good")
    RatingFactory(account=AccountFactory(), ticket=None, score="bad", comment="Someone else's")
    client.force_login(manager)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert requester.name in page and requester.email in page
    assert csm.name in page and csm.email in page
    assert day(item.account.renewal_date) in page
    assert "125,000" in page
    assert "On this ticket" in page and "glpat-abcdefghijklmnopqrst" not in page  # masked
    assert "#4242" in page and other_ticket_rating.comment in page
    assert "Someone else&#x27;s" not in page


def test_it_writes_the_due_date_on_the_managers_clock(client, item, manager):
    manager.time_zone = "Europe/London"
    manager.save()
    client.force_login(manager)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert "Tuesday 10 Dec 2030, 17:00 London" in page
    manager.time_zone = "Asia/Tokyo"
    manager.save()
    assert "Wednesday 11 Dec 2030, 02:00 Tokyo" in client.get(f"/feedback/{item.pk}/").content.decode()


def test_it_preselects_contact_customer_when_the_customer_wants_a_manager(item):
    assert TriageForm.for_item(item).initial["contact_customer"] == "yes"
    item.wants_manager_contact = False
    assert TriageForm.for_item(item).initial["contact_customer"] is None
    item.wants_manager_contact, item.contact_customer = True, False  # the manager's own triage wins
    assert TriageForm.for_item(item).initial["contact_customer"] == "no"


def test_the_page_checks_yes_for_contact_customer(client, item, manager):
    client.force_login(manager)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    yes = re.search(r'<input[^>]*name="triage-contact_customer"[^>]*value="yes"[^>]*>', page)
    no = re.search(r'<input[^>]*name="triage-contact_customer"[^>]*value="no"[^>]*>', page)
    assert yes and "checked" in yes.group(0) and no and "checked" not in no.group(0)
    assert "Yes is preselected: the CSM says the customer asks to be contacted by a manager." in page
