"""Business-hours arithmetic: weekends, evenings, daylight saving, long targets, round trips."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tickets.business_hours import BusinessHours, add_time, time_between

LONDON = BusinessHours("Europe/London", dt.time(8), dt.time(18))
SYDNEY = BusinessHours("Australia/Sydney", dt.time(8), dt.time(18))
UTC = dt.UTC


def at(tz: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(tz))


def test_it_adds_within_the_same_business_day():
    start = at("Europe/London", 2025, 3, 4, 9, 0)  # Tuesday
    assert LONDON.add(start, dt.timedelta(hours=4)) == at("Europe/London", 2025, 3, 4, 13, 0)


def test_it_carries_the_rest_over_to_the_next_morning():
    start = at("Europe/London", 2025, 3, 4, 16, 0)  # 2 h left on Tuesday
    assert LONDON.add(start, dt.timedelta(hours=4)) == at("Europe/London", 2025, 3, 5, 10, 0)


def test_it_starts_the_clock_at_opening_time_when_opened_at_night():
    start = at("Europe/London", 2025, 3, 4, 2, 30)
    assert LONDON.add(start, dt.timedelta(minutes=30)) == at("Europe/London", 2025, 3, 4, 8, 30)


def test_it_skips_the_weekend():
    friday_evening = at("Europe/London", 2025, 3, 7, 17, 0)
    assert LONDON.add(friday_evening, dt.timedelta(hours=8)) == at("Europe/London", 2025, 3, 10, 15, 0)
    saturday = at("Europe/London", 2025, 3, 8, 12, 0)
    assert LONDON.add(saturday, dt.timedelta(minutes=30)) == at("Europe/London", 2025, 3, 10, 8, 30)


def test_it_ends_exactly_at_closing_time_rather_than_the_next_morning():
    start = at("Europe/London", 2025, 3, 4, 14, 0)
    assert LONDON.add(start, dt.timedelta(hours=4)) == at("Europe/London", 2025, 3, 4, 18, 0)


def test_it_counts_a_24_hour_target_over_several_business_days():
    start = at("Europe/London", 2025, 3, 6, 10, 0)  # Thursday: 8 h, Friday: 10 h, Monday: 6 h
    assert LONDON.add(start, dt.timedelta(hours=24)) == at("Europe/London", 2025, 3, 10, 14, 0)


def test_it_follows_the_wall_clock_across_a_daylight_saving_change():
    # London moves to BST on Sunday 30 March 2025: opening time stays 08:00 local, 07:00 UTC.
    friday = at("Europe/London", 2025, 3, 28, 17, 0)
    due = LONDON.add(friday, dt.timedelta(hours=2))
    assert due == at("Europe/London", 2025, 3, 31, 9, 0)
    assert due.astimezone(UTC) == dt.datetime(2025, 3, 31, 8, 0, tzinfo=UTC)


def test_it_works_in_a_southern_hemisphere_zone_across_its_own_dst_end():
    # Sydney leaves daylight time on Sunday 6 April 2025 (UTC+11 -> UTC+10).
    friday = at("Australia/Sydney", 2025, 4, 4, 17, 30)
    due = SYDNEY.add(friday, dt.timedelta(hours=1))
    assert due == at("Australia/Sydney", 2025, 4, 7, 8, 30)
    assert due.astimezone(ZoneInfo("Australia/Sydney")).utcoffset() == dt.timedelta(hours=10)


def test_it_takes_any_input_zone_and_answers_the_same_instant():
    start_utc = dt.datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    start_tokyo = start_utc.astimezone(ZoneInfo("Asia/Tokyo"))
    assert LONDON.add(start_utc, dt.timedelta(hours=3)) == LONDON.add(start_tokyo, dt.timedelta(hours=3))


@pytest.mark.parametrize("hours", [0, 0.5, 4, 8, 24, 100])
@pytest.mark.parametrize("start_hour", [0, 7, 8, 12, 17, 18, 23])
@pytest.mark.parametrize("weekday", range(7))
def test_it_measures_back_exactly_the_time_it_added(hours, start_hour, weekday):
    start = at("Europe/London", 2025, 3, 3 + weekday, start_hour, 15)
    duration = dt.timedelta(hours=hours)
    due = LONDON.add(start, duration)
    assert LONDON.between(start, due) == duration
    assert due >= start


def test_it_measures_zero_business_time_over_a_weekend_and_negative_backwards():
    sat = at("Europe/London", 2025, 3, 8, 9, 0)
    sun = at("Europe/London", 2025, 3, 9, 17, 0)
    assert LONDON.between(sat, sun) == dt.timedelta(0)
    mon_9 = at("Europe/London", 2025, 3, 10, 9, 0)
    mon_11 = at("Europe/London", 2025, 3, 10, 11, 0)
    assert LONDON.between(mon_11, mon_9) == -dt.timedelta(hours=2)


def test_it_runs_around_the_clock_without_a_schedule():
    start = dt.datetime(2025, 3, 8, 23, 0, tzinfo=UTC)  # a Saturday night
    assert add_time(start, dt.timedelta(minutes=30), None) == start + dt.timedelta(minutes=30)
    assert time_between(start, start + dt.timedelta(hours=5), None) == dt.timedelta(hours=5)


def test_it_knows_when_it_is_open():
    assert LONDON.is_open(at("Europe/London", 2025, 3, 4, 8, 0))
    assert not LONDON.is_open(at("Europe/London", 2025, 3, 4, 18, 0))
    assert not LONDON.is_open(at("Europe/London", 2025, 3, 8, 12, 0))


def test_it_describes_itself_for_people():
    assert LONDON.describe() == "Mon-Fri 08:00-18:00 (Europe/London)"
    weekend = BusinessHours("UTC", dt.time(10), dt.time(14), frozenset({5, 6}))
    assert weekend.describe() == "Sat-Sun 10:00-14:00 (UTC)"


def test_it_refuses_naive_datetimes_and_impossible_schedules():
    with pytest.raises(ValueError, match="timezone-aware"):
        LONDON.add(dt.datetime(2025, 3, 4, 9), dt.timedelta(hours=1))
    with pytest.raises(ValueError):
        BusinessHours("UTC", dt.time(18), dt.time(8))
    with pytest.raises(ValueError):
        BusinessHours("UTC", dt.time(8), dt.time(18), frozenset())
    with pytest.raises(ValueError):
        LONDON.add(at("Europe/London", 2025, 3, 4, 9), dt.timedelta(hours=-1))
