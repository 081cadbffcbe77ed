"""Business hours: add working time to a moment, and measure working time between two moments.

A `BusinessHours` is a weekly window in a time zone (e.g. Monday-Friday 08:00-18:00 in
Europe/London). Times are computed on the zone's wall clock, so daylight-saving changes move
the window in UTC as they do for the people who work it. `None` means around the clock (24x7).
Public holidays are not modelled: support's regional schedules do not pause for them either.
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


@dataclass(frozen=True)
class BusinessHours:
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

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    def describe(self) -> str:
        """E.g. "Mon-Fri 08:00-18:00 (Europe/London)"."""
        days = sorted(self.weekdays)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
            span = f"{_DAY_NAMES[days[0]]}-{_DAY_NAMES[days[-1]]}"
        else:
            span = ", ".join(_DAY_NAMES[d] for d in days)
        return f"{span} {self.opens:%H:%M}-{self.closes:%H:%M} ({self.tz_name})"

    def _window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The day's open interval as aware UTC datetimes, or None when closed that day."""
        if day.weekday() not in self.weekdays:
            return None
        tz = self.tz
        start = dt.datetime.combine(day, self.opens, tzinfo=tz).astimezone(dt.UTC)
        end = dt.datetime.combine(day, self.closes, tzinfo=tz).astimezone(dt.UTC)
        return start, end

    def is_open(self, at: dt.datetime) -> bool:
        window = self._window(_aware(at).astimezone(self.tz).date())
        return window is not None and window[0] <= at < window[1]

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment when `duration` of business time has passed since `start`."""
        if duration < dt.timedelta(0):
            raise ValueError("duration must not be negative")
        cursor = _aware(start).astimezone(dt.UTC)
        remaining = duration
        day = cursor.astimezone(self.tz).date()
        for _ in range(_MAX_DAYS):
            window = self._window(day)
            if window is not None and cursor < window[1]:
                cursor = max(cursor, window[0])
                available = window[1] - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
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
            window = self._window(day)
            if window is not None:
                lo, hi = max(start, window[0]), min(end, window[1])
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total


def add_time(start: dt.datetime, duration: dt.timedelta, hours: BusinessHours | None) -> dt.datetime:
    """`start + duration`, counted only within `hours` (around the clock when None)."""
    if hours is None:
        return _aware(start) + duration
    return hours.add(start, duration)


def time_between(start: dt.datetime, end: dt.datetime, hours: BusinessHours | None) -> dt.timedelta:
    """Working time between two moments under `hours` (wall-clock time when None)."""
    if hours is None:
        return _aware(end) - _aware(start)
    return hours.between(start, end)


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("Business-hours arithmetic needs timezone-aware datetimes.")
    return value
