"""Business hours: add working time to a moment, and measure working time between two moments.

Two kinds of weekly schedule, with the same interface (`add`, `between`, `is_open`,
`describe`, `tz_name`):

- `BusinessHours`: one window on some weekdays in a time zone (e.g. Monday-Friday 08:00-18:00
  in Europe/London): the portal's built-in regional hours.
- `WeeklySchedule`: a Zendesk schedule: any number of intervals in the week (minutes from
  Sunday 00:00, as Zendesk's Schedules API gives them) and holidays (whole local days, closed).

Times are computed on the zone's wall clock, so daylight-saving changes move the windows in
UTC as they do for the people who work them. `None` means around the clock (24x7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WEEKDAYS = frozenset(range(5))  # Monday=0 .. Friday=4
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# No schedule needs more than this many calendar days to fit any SLA target (a week of
# 1-hour days would hold 5 hours); it only guards against an empty schedule looping forever.
_MAX_DAYS = 3660


class _Windows:
    """Business-time arithmetic over the open windows of each local calendar day."""

    tz_name: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    def _windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's open intervals as aware UTC datetimes, in order (empty when closed)."""
        raise NotImplementedError

    def is_open(self, at: dt.datetime) -> bool:
        return any(lo <= at < hi for lo, hi in self._windows(_aware(at).astimezone(self.tz).date()))

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment when `duration` of business time has passed since `start`."""
        if duration < dt.timedelta(0):
            raise ValueError("duration must not be negative")
        cursor = _aware(start).astimezone(dt.UTC)
        remaining = duration
        day = cursor.astimezone(self.tz).date()
        for _ in range(_MAX_DAYS):
            for lo, hi in self._windows(day):
                if cursor < hi:
                    cursor = max(cursor, lo)
                    available = hi - cursor
                    if remaining <= available:
                        return cursor + remaining
                    remaining -= available
                    cursor = hi
            day += dt.timedelta(days=1)
        raise ValueError("The schedule has no business time within ten years.")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Business time from `start` to `end` (negative when `end` is before `start`)."""
        start, end = _aware(start), _aware(end)
        if end < start:
            return -self.between(end, start)
        total = dt.timedelta(0)
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for window in self._windows(day):
                lo, hi = max(start, window[0]), min(end, window[1])
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total


@dataclass(frozen=True)
class BusinessHours(_Windows):
    """A weekly schedule: `opens`-`closes` local time on `weekdays` in zone `tz`."""

    tz_name: str
    opens: dt.time
    closes: dt.time
    weekdays: frozenset[int] = field(default=WEEKDAYS)

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("A business day must close after it opens (same calendar day).")
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("weekdays must be a non-empty set of 0 (Monday) .. 6 (Sunday).")

    def describe(self) -> str:
        """E.g. "Mon-Fri 08:00-18:00 (Europe/London)"."""
        days = sorted(self.weekdays)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
            span = f"{_DAY_NAMES[days[0]]}-{_DAY_NAMES[days[-1]]}"
        else:
            span = ", ".join(_DAY_NAMES[d] for d in days)
        return f"{span} {self.opens:%H:%M}-{self.closes:%H:%M} ({self.tz_name})"

    def _windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if day.weekday() not in self.weekdays:
            return []
        tz = self.tz
        start = dt.datetime.combine(day, self.opens, tzinfo=tz).astimezone(dt.UTC)
        end = dt.datetime.combine(day, self.closes, tzinfo=tz).astimezone(dt.UTC)
        return [(start, end)]


MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


@dataclass(frozen=True)
class WeeklySchedule(_Windows):
    """A Zendesk schedule: weekly intervals in minutes from Sunday 00:00 local time (each within
    one calendar day, as Zendesk requires) and holidays as inclusive local date ranges."""

    tz_name: str
    intervals: tuple[tuple[int, int], ...]
    holidays: tuple[tuple[dt.date, dt.date], ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        ZoneInfo(self.tz_name)  # raises for an unknown zone
        if not self.intervals:
            raise ValueError("A schedule needs at least one interval.")
        for start, end in self.intervals:
            if (
                not (0 <= start < end <= MINUTES_PER_WEEK)
                or start // MINUTES_PER_DAY != (end - 1) // MINUTES_PER_DAY
            ):
                raise ValueError(f"Interval {start}-{end} is not within one day of the week.")

    def _day_minutes(self, day: dt.date) -> list[tuple[int, int]]:
        """The day's intervals as minutes from its local midnight."""
        sunday_index = (day.weekday() + 1) % 7  # Zendesk's week starts on Sunday
        base = sunday_index * MINUTES_PER_DAY
        return sorted(
            (start - base, end - base)
            for start, end in self.intervals
            if base <= start < base + MINUTES_PER_DAY
        )

    def is_holiday(self, day: dt.date) -> bool:
        return any(first <= day <= last for first, last in self.holidays)

    def _windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if self.is_holiday(day):
            return []
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
        # Wall-clock arithmetic (same tzinfo), converted to UTC: DST moves the window in UTC.
        return [
            (
                (midnight + dt.timedelta(minutes=lo)).astimezone(dt.UTC),
                (midnight + dt.timedelta(minutes=hi)).astimezone(dt.UTC),
            )
            for lo, hi in self._day_minutes(day)
        ]

    def describe(self) -> str:
        """E.g. "Mon-Fri 08:00-18:00 (Europe/London), closed on 2 holidays"."""
        by_day: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for weekday in range(7):
            sunday_index = (weekday + 1) % 7
            base = sunday_index * MINUTES_PER_DAY
            spans = tuple(
                sorted((s - base, e - base) for s, e in self.intervals if base <= s < base + MINUTES_PER_DAY)
            )
            if spans:
                by_day.setdefault(spans, []).append(weekday)
        parts = []
        for spans, days in by_day.items():
            times = ", ".join(f"{_hhmm(lo)}-{_hhmm(hi)}" for lo, hi in spans)
            parts.append(f"{_day_span(days)} {times}")
        text = f"{'; '.join(parts)} ({self.tz_name})"
        if self.holidays:
            count = len(self.holidays)
            text += f", closed on {count} holiday{'s' if count != 1 else ''}"
        return text

    def holidays_between(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
        return [(a, b) for a, b in self.holidays if a <= last and b >= first]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_span(days: list[int]) -> str:
    days = sorted(days)
    if len(days) > 1 and days == list(range(days[0], days[-1] + 1)):
        return f"{_DAY_NAMES[days[0]]}-{_DAY_NAMES[days[-1]]}"
    return ", ".join(_DAY_NAMES[d] for d in days)


Hours = BusinessHours | WeeklySchedule


def add_time(start: dt.datetime, duration: dt.timedelta, hours: Hours | None) -> dt.datetime:
    """`start + duration`, counted only within `hours` (around the clock when None)."""
    if hours is None:
        return _aware(start) + duration
    return hours.add(start, duration)


def time_between(start: dt.datetime, end: dt.datetime, hours: Hours | None) -> dt.timedelta:
    """Working time between two moments under `hours` (wall-clock time when None)."""
    if hours is None:
        return _aware(end) - _aware(start)
    return hours.between(start, end)


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("Business-hours arithmetic needs timezone-aware datetimes.")
    return value
