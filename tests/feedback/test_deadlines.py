"""First response due: 7 days; 48 business hours of the customer's region when the customer
asks to be contacted by a manager."""

import datetime as dt

from accounts.models import Account
from feedback import deadlines
from feedback.deadlines import add_weekday_time, first_response_due
from tickets.business_hours import BusinessHours
from tickets.models import Ticket

UTC = dt.UTC


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


def test_it_gives_every_item_seven_days():
    due = first_response_due(
        forwarded_at=at(2026, 3, 6, 17), wants_manager_contact=False, account=None, ticket=None
    )
    assert due.at == at(2026, 3, 13, 17) and due.rule == "7 days"


def test_it_counts_48_business_hours_in_the_accounts_region():
    # EMEA is 08:00-18:00 Europe/London, Monday to Friday (the ticket SLA's regional hours).
    # Friday 2026-03-06 16:00 UTC (16:00 London): 2 h on Friday, then 10 h a day Mon-Thu = 42 h,
    # and the last 6 h on Friday 2026-03-13, 08:00-14:00 London.
    due = first_response_due(
        forwarded_at=at(2026, 3, 6, 16),
        wants_manager_contact=True,
        account=Account(region="EMEA"),
        ticket=None,
    )
    assert due.at == at(2026, 3, 13, 14)
    assert "48 business hours" in due.rule and "account's region" in due.rule and "Europe/London" in due.rule


def test_it_prefers_the_tickets_preferred_region_to_the_accounts():
    # AMER: 07:00-19:00 America/Chicago (UTC-6 in January): 12 h a day, so 48 h is 4 working days.
    forwarded = at(2026, 1, 5, 13)  # Monday 07:00 Chicago, the opening hour
    due = first_response_due(
        forwarded_at=forwarded,
        wants_manager_contact=True,
        account=Account(region="EMEA"),
        ticket=Ticket(preferred_region="americas_usa"),
    )
    assert due.at == at(2026, 1, 9, 1)  # Thursday 19:00 Chicago
    assert "ticket's preferred region" in due.rule


def test_it_uses_the_account_when_the_ticket_asks_for_all_regions():
    due = first_response_due(
        forwarded_at=at(2026, 1, 5, 13),
        wants_manager_contact=True,
        account=Account(region="EMEA"),
        ticket=Ticket(preferred_region="all_regions"),
    )
    assert "account's region" in due.rule


def test_it_counts_support_weekdays_around_the_clock_without_a_region():
    # Friday 20:00 UTC: 4 h on Friday, the weekend does not count, 24 h Monday, 20 h Tuesday.
    due = first_response_due(
        forwarded_at=at(2026, 3, 6, 20), wants_manager_contact=True, account=Account(region=""), ticket=None
    )
    assert due.at == at(2026, 3, 10, 20)
    assert "no region" in due.rule


def test_it_follows_daylight_saving_time_in_the_region():
    # London moves to BST on Sunday 2026-03-29: the window opens at 07:00 UTC from Monday.
    # Friday 2026-03-27 17:00 London (17:00 UTC): 1 h Friday, then 10 h Mon-Thu (40 h), 7 h Friday.
    due = first_response_due(
        forwarded_at=at(2026, 3, 27, 17),
        wants_manager_contact=True,
        account=Account(region="EMEA"),
        ticket=None,
    )
    assert due.at == at(2026, 4, 3, 14)  # 15:00 BST


def test_it_never_gives_more_time_than_the_seven_days(monkeypatch):
    one_hour_days = BusinessHours("UTC", dt.time(9), dt.time(10))
    monkeypatch.setitem(deadlines.REGION_HOURS, "europe_middle_east_africa", one_hour_days)
    forwarded = at(2026, 3, 2, 9)
    due = first_response_due(
        forwarded_at=forwarded, wants_manager_contact=True, account=Account(region="EMEA"), ticket=None
    )
    assert due.at == forwarded + dt.timedelta(days=7)
    assert due.rule.startswith("7 days (sooner than 48 business hours")


def test_it_adds_weekday_time_across_a_weekend():
    assert add_weekday_time(at(2026, 3, 7, 12), dt.timedelta(hours=1)) == at(2026, 3, 9, 1)  # Saturday
    assert add_weekday_time(at(2026, 3, 6, 23), dt.timedelta(hours=1)) == at(2026, 3, 7, 0)  # end of Friday
    assert add_weekday_time(at(2026, 3, 6, 23, 30), dt.timedelta(hours=1)) == at(2026, 3, 9, 0, 30)
