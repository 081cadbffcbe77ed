"""First response due: 7 days; when the customer asks to be contacted by a manager, 48 clock
hours that skip Saturdays and Sundays (and the region's Zendesk holidays), the handbook's
"within 48 hrs Mon-Fri"."""

import datetime as dt

import pytest

from accounts.models import Account
from feedback.deadlines import add_weekday_time, first_response_due
from tickets.models import Schedule, Ticket
from tickets.schedules import builtin_clocks, region_clocks

UTC = dt.UTC
BUILTIN = builtin_clocks()
EMEA = Account(region="EMEA")


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


def manager_contact(forwarded_at, account=EMEA, ticket=None, clocks=BUILTIN):
    return first_response_due(
        forwarded_at=forwarded_at, wants_manager_contact=True, account=account, ticket=ticket, clocks=clocks
    )


def test_it_gives_every_item_seven_days():
    due = first_response_due(
        forwarded_at=at(2026, 3, 6, 17),
        wants_manager_contact=False,
        account=None,
        ticket=None,
        clocks=BUILTIN,
    )
    assert due.at == at(2026, 3, 13, 17) and due.rule == "7 days"


def test_it_gives_a_sunday_evening_item_until_the_end_of_tuesday():
    # Sunday 2026-03-08 19:00 London (GMT): the weekend does not count, so the 48 hours run
    # from Monday 00:00 to Wednesday 00:00, the end of Tuesday. (It used to be due on Friday:
    # 48 working hours of 10-hour days.)
    due = manager_contact(at(2026, 3, 8, 19))
    assert due.at == at(2026, 3, 11, 0)
    assert due.rule == "48 hours Mon-Fri (Europe/London); Europe Middle East Africa, the account's region"


def test_it_gives_a_friday_noon_item_until_tuesday_noon():
    # 12 hours on Friday, none on Saturday and Sunday, 24 on Monday, 12 on Tuesday.
    assert manager_contact(at(2026, 3, 6, 12)).at == at(2026, 3, 10, 12)


def test_it_counts_whole_weekdays_from_midweek():
    assert manager_contact(at(2026, 3, 10, 9, 30)).at == at(2026, 3, 12, 9, 30)  # Tuesday -> Thursday


def test_it_counts_the_weekend_on_the_regions_own_clock():
    # AMER's clock is America/Chicago (UTC-6 in January). Saturday 2026-01-10 23:00 Chicago is
    # already Sunday 05:00 UTC; the weekend ends at Monday 00:00 Chicago (06:00 UTC), and the
    # 48 hours end at Wednesday 00:00 Chicago.
    due = manager_contact(at(2026, 1, 11, 5), account=Account(region="AMER"))
    assert due.at == at(2026, 1, 14, 6)
    assert "America/Chicago" in due.rule


def test_it_prefers_the_tickets_preferred_region_to_the_accounts():
    due = manager_contact(at(2026, 1, 11, 5), ticket=Ticket(preferred_region="americas_usa"))
    assert due.at == at(2026, 1, 14, 6)
    assert "the ticket's preferred region" in due.rule


def test_it_uses_the_account_when_the_ticket_asks_for_all_regions():
    due = manager_contact(at(2026, 1, 5, 13), ticket=Ticket(preferred_region="all_regions"))
    assert "the account's region" in due.rule


def test_it_counts_utc_weekdays_without_a_region():
    # Friday 20:00 UTC: 4 h on Friday, the weekend does not count, 24 h Monday, 20 h Tuesday.
    due = manager_contact(at(2026, 3, 6, 20), account=Account(region=""))
    assert due.at == at(2026, 3, 10, 20)
    assert due.rule == "48 hours Mon-Fri (UTC); all regions: no region set"


def test_it_follows_daylight_saving_time_in_the_region():
    # London moves to BST on Sunday 2026-03-29 (a 23-hour day, but a weekend one). Friday
    # 2026-03-27 12:00 GMT: 12 h Friday, 24 h Monday (BST), 12 h Tuesday -> 12:00 BST = 11:00 UTC.
    assert manager_contact(at(2026, 3, 27, 12)).at == at(2026, 3, 31, 11)


@pytest.mark.django_db
def test_it_skips_the_regions_zendesk_holidays():
    # EMEA's Zendesk schedule closes on Monday 2026-04-06 (Easter Monday): Friday noon -> Wednesday noon.
    Schedule.objects.create(
        zd_id=1,
        name="EMEA Schedule",
        time_zone="London",
        tz_name="Europe/London",
        intervals=[[d * 1440 + 480, d * 1440 + 1080] for d in range(1, 6)],
        holidays=[{"id": 9, "name": "Easter Monday", "start_date": "2026-04-06", "end_date": "2026-04-06"}],
    )
    due = first_response_due(
        forwarded_at=at(2026, 4, 3, 11), wants_manager_contact=True, account=EMEA, ticket=None
    )
    assert due.at == at(2026, 4, 8, 11)  # 12:00 BST
    assert "without the holidays of Zendesk schedule \u2018EMEA Schedule\u2019" in due.rule
    # Without the schedule, Easter Monday counts like any Monday.
    assert manager_contact(at(2026, 4, 3, 11)).at == at(2026, 4, 7, 11)


@pytest.mark.django_db
def test_it_never_gives_more_time_than_the_seven_days():
    # A two-week office closure: the 48 hours would end after it; the 7 days come first.
    Schedule.objects.create(
        zd_id=1,
        name="EMEA Schedule",
        time_zone="London",
        tz_name="Europe/London",
        intervals=[[1440 + 480, 1440 + 1080]],
        holidays=[{"id": 9, "name": "Closure", "start_date": "2026-03-03", "end_date": "2026-03-16"}],
    )
    forwarded = at(2026, 3, 2, 9)
    due = first_response_due(forwarded_at=forwarded, wants_manager_contact=True, account=EMEA, ticket=None)
    assert due.at == forwarded + dt.timedelta(days=7)
    assert due.rule.startswith("7 days (sooner than 48 hours Mon-Fri")
    assert region_clocks()["europe_middle_east_africa"].schedule_name == "EMEA Schedule"


def test_it_adds_weekday_time_across_a_weekend():
    assert add_weekday_time(at(2026, 3, 7, 12), dt.timedelta(hours=1)) == at(2026, 3, 9, 1)  # Saturday
    assert add_weekday_time(at(2026, 3, 6, 23), dt.timedelta(hours=1)) == at(2026, 3, 7, 0)  # end of Friday
    assert add_weekday_time(at(2026, 3, 6, 23, 30), dt.timedelta(hours=1)) == at(2026, 3, 9, 0, 30)
