"""Zendesk schedules (business hours and holidays) as the sandbox keeps them.

A schedule is Zendesk's JSON: ``id``, ``name``, ``time_zone`` (Zendesk's own zone names,
e.g. "Central Time (US & Canada)"), ``intervals`` (``start_time``/``end_time`` in minutes from
Sunday 00:00, each within one day), ``created_at``, ``updated_at``; a holiday is ``id``,
``name``, ``start_date``, ``end_date`` (inclusive dates). The demo starts with one schedule
per region, each with a few holidays around the anchor; tests change them through
``state.schedules`` (``create``, ``update``, ``delete``, ``add_holiday``, ``remove_holiday``,
``replace``, ``clear``) or ``POST /_sandbox/schedules``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any

from .ids import iso_z

SCHEDULE_BASE = 360_000_300_000
HOLIDAY_BASE = 360_000_900_000
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES


def weekday_intervals(opens_hour: int, closes_hour: int) -> list[dict[str, int]]:
    """Monday to Friday, ``opens_hour``-``closes_hour`` local time, as Zendesk intervals."""
    return [
        {"start_time": day * DAY_MINUTES + opens_hour * 60, "end_time": day * DAY_MINUTES + closes_hour * 60}
        for day in range(1, 6)  # Zendesk's day 0 is Sunday
    ]


def default_schedules(anchor: int) -> list[dict[str, Any]]:
    """The demo's schedules: the regions' usual hours, with public holidays of the anchor's
    year and the next one."""
    year = dt.datetime.fromtimestamp(anchor, tz=dt.UTC).year
    years = (year, year + 1)

    def days(*month_days: tuple[str, int, int]) -> list[dict[str, str]]:
        return [
            {"name": name, "start_date": f"{y}-{m:02d}-{d:02d}", "end_date": f"{y}-{m:02d}-{d:02d}"}
            for y in years
            for name, m, d in month_days
        ]

    return [
        {
            "name": "Americas Schedule",
            "time_zone": "Central Time (US & Canada)",
            "intervals": weekday_intervals(7, 19),
            "holidays": days(("Independence Day", 7, 4), ("Christmas Day", 12, 25), ("New Year's Day", 1, 1)),
        },
        {
            "name": "EMEA Schedule",
            "time_zone": "London",
            "intervals": weekday_intervals(8, 18),
            "holidays": days(("Christmas Day", 12, 25), ("Boxing Day", 12, 26), ("New Year's Day", 1, 1)),
        },
        {
            "name": "APAC Schedule",
            "time_zone": "Sydney",
            "intervals": weekday_intervals(8, 18),
            "holidays": days(("Australia Day", 1, 26), ("Christmas Day", 12, 25), ("New Year's Day", 1, 1)),
        },
    ]


class ScheduleError(ValueError):
    """A schedule or holiday Zendesk would refuse (422), with the field at fault."""

    def __init__(self, field: str, description: str) -> None:
        super().__init__(description)
        self.field = field


class ScheduleStore:
    def __init__(self, clock: Callable[[], int], initial: Iterable[dict[str, Any]] = ()) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.schedules: dict[int, dict[str, Any]] = {}
        self.holidays: dict[int, list[dict[str, Any]]] = {}
        self._next_schedule = SCHEDULE_BASE
        self._next_holiday = HOLIDAY_BASE
        self.replace(initial)

    # -- reads (copies: callers may not change the store by accident) -----------------------
    def all(self) -> list[dict[str, Any]]:
        with self.lock:
            return [_copy(s) for _, s in sorted(self.schedules.items())]

    def get(self, schedule_id: int) -> dict[str, Any] | None:
        with self.lock:
            found = self.schedules.get(int(schedule_id))
            return _copy(found) if found else None

    def holidays_of(self, schedule_id: int) -> list[dict[str, Any]] | None:
        with self.lock:
            if int(schedule_id) not in self.schedules:
                return None
            return [dict(h) for h in self.holidays[int(schedule_id)]]

    def holiday(self, schedule_id: int, holiday_id: int) -> dict[str, Any] | None:
        for holiday in self.holidays_of(schedule_id) or ():
            if holiday["id"] == int(holiday_id):
                return holiday
        return None

    # -- writes -------------------------------------------------------------------------------
    def create(
        self,
        name: str,
        time_zone: str,
        intervals: Iterable[Any] = (),
        holidays: Iterable[dict[str, Any]] = (),
    ) -> dict[str, Any]:
        """A new schedule (Zendesk creates one Mon-Fri 09:00-17:00 when no intervals are given)."""
        name, time_zone = _required(name, "name"), _required(time_zone, "time_zone")
        spans = _intervals(intervals) if intervals else weekday_intervals(9, 17)
        holiday_rows = [_holiday(h) for h in holidays]
        with self.lock:
            self._next_schedule += 1
            schedule_id = self._next_schedule
            now = iso_z(self.clock())
            schedule: dict[str, Any] = {
                "id": schedule_id,
                "name": name,
                "time_zone": time_zone,
                "intervals": spans,
                "created_at": now,
                "updated_at": now,
            }
            self.schedules[schedule_id] = schedule
            self.holidays[schedule_id] = []
            for row in holiday_rows:
                self._add_holiday(schedule_id, row)
            return _copy(schedule)

    def update(
        self,
        schedule_id: int,
        *,
        name: str | None = None,
        time_zone: str | None = None,
        intervals: Iterable[Any] | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            schedule = self._schedule(schedule_id)
            if name is not None:
                schedule["name"] = _required(name, "name")
            if time_zone is not None:
                schedule["time_zone"] = _required(time_zone, "time_zone")
            if intervals is not None:
                schedule["intervals"] = _intervals(intervals)
            schedule["updated_at"] = iso_z(self.clock())
            return _copy(schedule)

    def delete(self, schedule_id: int) -> None:
        with self.lock:
            self._schedule(schedule_id)
            del self.schedules[int(schedule_id)]
            del self.holidays[int(schedule_id)]

    def add_holiday(self, schedule_id: int, name: str, start_date: str, end_date: str | None = None) -> dict:
        row = _holiday({"name": name, "start_date": start_date, "end_date": end_date or start_date})
        with self.lock:
            self._schedule(schedule_id)
            return dict(self._add_holiday(int(schedule_id), row))

    def remove_holiday(self, schedule_id: int, holiday_id: int) -> None:
        with self.lock:
            rows = self.holidays.get(int(schedule_id), [])
            kept = [h for h in rows if h["id"] != int(holiday_id)]
            if len(kept) == len(rows):
                raise KeyError(f"no holiday {holiday_id} on schedule {schedule_id}")
            self.holidays[int(schedule_id)] = kept

    def clear(self) -> None:
        """No schedules at all (a Zendesk account that never set business hours)."""
        with self.lock:
            self.schedules.clear()
            self.holidays.clear()

    def replace(self, specs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every schedule replaced by ``specs`` ({name, time_zone, intervals, holidays})."""
        specs = list(specs)
        for spec in specs:  # all or nothing: a refused spec leaves the schedules as they were
            _required(spec.get("name"), "name"), _required(spec.get("time_zone"), "time_zone")
            _intervals(spec.get("intervals") or ())
            [_holiday(h) for h in spec.get("holidays") or ()]
        with self.lock:
            self.clear()
            return [
                self.create(
                    s.get("name", ""),
                    s.get("time_zone", ""),
                    s.get("intervals") or (),
                    s.get("holidays") or (),
                )
                for s in specs
            ]

    # -- helpers ----------------------------------------------------------------------------
    def _schedule(self, schedule_id: int) -> dict[str, Any]:
        schedule = self.schedules.get(int(schedule_id))
        if schedule is None:
            raise KeyError(f"no schedule {schedule_id}")
        return schedule

    def _add_holiday(self, schedule_id: int, row: dict[str, Any]) -> dict[str, Any]:
        self._next_holiday += 1
        holiday = {"id": self._next_holiday, **row}
        self.holidays[schedule_id].append(holiday)
        self.holidays[schedule_id].sort(key=lambda h: (h["start_date"], h["id"]))
        return holiday


def _copy(schedule: dict[str, Any]) -> dict[str, Any]:
    return {**schedule, "intervals": [dict(i) for i in schedule["intervals"]]}


def _required(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScheduleError(field, f"{field} is required")
    return value.strip()


def _intervals(raw: Iterable[Any]) -> list[dict[str, int]]:
    """Zendesk's rules: whole minutes in the week, start before end, within one day, no overlap."""
    spans = []
    for item in raw:
        if isinstance(item, dict):
            start, end = item.get("start_time"), item.get("end_time")
        else:
            start, end = item
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            raise ScheduleError("intervals", "start_time and end_time must be integers")
        if not 0 <= start < end <= WEEK_MINUTES:
            raise ScheduleError("intervals", f"interval {start}-{end} is not within the week")
        if start // DAY_MINUTES != (end - 1) // DAY_MINUTES:
            raise ScheduleError("intervals", f"interval {start}-{end} spans calendar days")
        spans.append({"start_time": start, "end_time": end})
    spans.sort(key=lambda s: s["start_time"])
    for before, after in pairwise(spans):
        if after["start_time"] < before["end_time"]:
            raise ScheduleError("intervals", "intervals overlap")
    return spans


def _holiday(raw: dict[str, Any]) -> dict[str, str]:
    name = _required(raw.get("name"), "name")
    try:
        start = dt.date.fromisoformat(str(raw.get("start_date")))
        end = dt.date.fromisoformat(str(raw.get("end_date") or raw.get("start_date")))
    except ValueError as exc:
        raise ScheduleError("start_date", "dates must be YYYY-MM-DD") from exc
    if end < start:
        raise ScheduleError("end_date", "end_date must not be before start_date")
    return {"name": name, "start_date": start.isoformat(), "end_date": end.isoformat()}
