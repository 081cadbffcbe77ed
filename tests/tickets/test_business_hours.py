"""Business-hours arithmetic: weekends, evenings, daylight saving, long targets, round trips."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tickets.business_hours import BusinessHours, WeeklySchedule, add_time, time_between

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


# -- Zendesk schedules: weekly intervals from Sunday 00:00, holidays --------------------------
def _weekdays(opens: int, closes: int) -> tuple[tuple[int, int], ...]:
    return tuple((d * 1440 + opens * 60, d * 1440 + closes * 60) for d in range(1, 6))


LONDON_SCHEDULE = WeeklySchedule("Europe/London", _weekdays(8, 18), name="EMEA Schedule")


def test_a_zendesk_schedule_counts_like_the_same_builtin_hours():
    start = dt.datetime(2025, 3, 7, 16, 0, tzinfo=dt.UTC)
    for hours in (1, 10, 37, 100):
        assert LONDON_SCHEDULE.add(start, dt.timedelta(hours=hours)) == LONDON.add(
            start, dt.timedelta(hours=hours)
        )
    assert LONDON_SCHEDULE.describe() == "Mon-Fri 08:00-18:00 (Europe/London)"


def test_a_zendesk_schedule_skips_its_holidays():
    # Easter Monday 2026-04-06 closed: Friday 17:00 + 3 h -> 1 h Friday, Monday skipped, Tuesday 10:00.
    easter = WeeklySchedule(
        "Europe/London", _weekdays(8, 18), ((dt.date(2026, 4, 6), dt.date(2026, 4, 6)),), "EMEA Schedule"
    )
    friday = dt.datetime(2026, 4, 3, 17, 0, tzinfo=ZoneInfo("Europe/London"))
    assert easter.add(friday, dt.timedelta(hours=3)) == dt.datetime(
        2026, 4, 7, 10, 0, tzinfo=ZoneInfo("Europe/London")
    )
    assert not easter.is_open(dt.datetime(2026, 4, 6, 11, 0, tzinfo=ZoneInfo("Europe/London")))
    assert easter.between(
        friday, dt.datetime(2026, 4, 7, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    ) == dt.timedelta(hours=3)
    assert easter.describe().endswith("closed on 1 holiday")


def test_a_multi_day_holiday_closes_every_day_in_it():
    closure = WeeklySchedule("UTC", _weekdays(9, 17), ((dt.date(2026, 12, 24), dt.date(2026, 12, 28)),))
    wednesday = dt.datetime(2026, 12, 23, 16, 0, tzinfo=dt.UTC)
    assert closure.add(wednesday, dt.timedelta(hours=2)) == dt.datetime(2026, 12, 29, 10, 0, tzinfo=dt.UTC)


def test_a_zendesk_schedule_keeps_split_shifts_and_the_weekend():
    # Monday 09:00-12:00 and 13:00-17:00, Saturday 10:00-14:00 (Zendesk's day 6).
    split = WeeklySchedule(
        "UTC", ((1440 + 540, 1440 + 720), (1440 + 780, 1440 + 1020), (6 * 1440 + 600, 6 * 1440 + 840))
    )
    monday = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
    assert split.add(monday, dt.timedelta(hours=2)) == dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
    assert split.add(monday, dt.timedelta(hours=6)) == dt.datetime(
        2026, 3, 7, 11, 0, tzinfo=dt.UTC
    )  # Saturday
    assert split.describe() == "Mon 09:00-12:00, 13:00-17:00; Sat 10:00-14:00 (UTC)"


def test_a_zendesk_interval_may_end_at_midnight():
    late = WeeklySchedule("Europe/London", ((1440 + 1200, 2 * 1440),))  # Monday 20:00-24:00
    monday = dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.UTC)
    assert late.add(monday, dt.timedelta(hours=2)) == dt.datetime(2026, 3, 9, 21, 0, tzinfo=dt.UTC)


def test_a_zendesk_schedule_follows_daylight_saving_time():
    # London goes to BST on 2026-03-29: Monday's 08:00 opening is 07:00 UTC.
    monday = dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC)
    assert LONDON_SCHEDULE.add(monday, dt.timedelta(minutes=30)) == dt.datetime(
        2026, 3, 30, 7, 30, tzinfo=dt.UTC
    )


def test_a_zendesk_schedule_refuses_what_zendesk_would():
    with pytest.raises(ValueError):
        WeeklySchedule("UTC", ())
    with pytest.raises(ValueError):
        WeeklySchedule("UTC", ((1400, 1500),))  # spans midnight
    with pytest.raises(Exception):  # noqa: B017 (ZoneInfoNotFoundError)
        WeeklySchedule("Pacific Time (US & Canada)", _weekdays(9, 17))
