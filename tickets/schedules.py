"""Which business hours a region's clock runs on: its Zendesk schedule, else the built-in hours.

Zendesk schedules are mirrored into `tickets.Schedule` (stream zendesk.schedules), each of its
Zendesk instance. A region finds its schedule by name through `ZENDESK_SCHEDULE_REGIONS`
("Americas USA=Americas Schedule,..."; a region is named by its label or its field value), among
the schedules of one instance: a ticket's clock runs on its own instance's schedule of that
name, never on another instance's (`clocks_of`). When that Zendesk has no schedules at all, or
not the one a region names, or one the portal cannot read (an unknown time zone, no
intervals), that region keeps the portal's built-in hours (`tickets.sla.REGION_HOURS`), and
every page that uses the clock says which one it used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from csmportal import instances

from .business_hours import BusinessHours, Hours, WeeklySchedule
from .models import PreferredRegion, Schedule

REGIONAL = (PreferredRegion.AMER, PreferredRegion.EMEA, PreferredRegion.APAC)


@dataclass(frozen=True)
class RegionClock:
    """A region's business hours and where they come from."""

    region: str
    hours: Hours
    schedule_name: str = ""  # the Zendesk schedule used; "" = the built-in hours
    why_builtin: str = ""  # e.g. "Zendesk has no schedules"

    @property
    def from_zendesk(self) -> bool:
        return bool(self.schedule_name)

    @property
    def holidays(self) -> tuple[tuple[dt.date, dt.date], ...]:
        return self.hours.holidays if isinstance(self.hours, WeeklySchedule) else ()

    @property
    def source(self) -> str:
        """Words for the pages: which hours these are."""
        if self.schedule_name:
            return f"business hours from Zendesk schedule \u2018{self.schedule_name}\u2019"
        return f"the portal's built-in hours ({self.why_builtin})"


def schedule_regions(spec: str | None = None) -> dict[str, str]:
    """`ZENDESK_SCHEDULE_REGIONS` parsed: region value -> schedule name."""
    text = settings.ZENDESK_SCHEDULE_REGIONS if spec is None else spec
    by_name = {r.value.casefold(): r.value for r in REGIONAL} | {
        r.label.casefold(): r.value for r in REGIONAL
    }
    mapping: dict[str, str] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        region, sep, name = item.partition("=")
        value = by_name.get(region.strip().casefold())
        if not sep or value is None or not name.strip():
            choices = ", ".join(r.label for r in REGIONAL)
            raise ImproperlyConfigured(
                f"ZENDESK_SCHEDULE_REGIONS: {item.strip()!r} is not 'Region=Schedule name' "
                f"with a region among {choices}."
            )
        mapping[value] = name.strip()
    return mapping


def hours_of(schedule: Schedule) -> tuple[WeeklySchedule | None, str]:
    """A mirrored schedule as business hours, or None and why the portal cannot use it."""
    if not schedule.tz_name:
        return None, f"its time zone \u2018{schedule.time_zone}\u2019 is not one the portal knows"
    intervals = tuple(
        (int(i[0]), int(i[1]))
        for i in schedule.intervals or ()
        if isinstance(i, list | tuple) and len(i) == 2
    )
    holidays = tuple(_holiday_dates(schedule.holidays or ()))
    try:
        return WeeklySchedule(schedule.tz_name, intervals, holidays, schedule.name), ""
    except (ValueError, TypeError, KeyError) as exc:  # KeyError: ZoneInfoNotFoundError
        return None, f"its business hours cannot be read ({exc})"


def _holiday_dates(holidays: Iterable[Any]) -> Iterable[tuple[dt.date, dt.date]]:
    for holiday in holidays:
        try:
            first = dt.date.fromisoformat(holiday["start_date"])
            last = dt.date.fromisoformat(holiday.get("end_date") or holiday["start_date"])
        except (KeyError, TypeError, ValueError):
            continue
        if first <= last:
            yield first, last


def region_clocks(
    schedules: Iterable[Schedule] | None = None, instance: str = instances.GLOBAL
) -> dict[str, RegionClock]:
    """Every regional clock of one Zendesk instance, on that instance's schedules only (one
    query for them unless they are given; given rows of another instance are not used)."""
    from .sla import REGION_HOURS  # the built-in hours

    found = Schedule.objects.filter(zd_instance=instance) if schedules is None else schedules
    rows = [s for s in found if s.zd_instance == instance]
    by_name = {s.name.strip().casefold(): s for s in rows}
    wanted = schedule_regions()
    zendesk = _zendesk(instance)
    clocks: dict[str, RegionClock] = {}
    for region in REGIONAL:
        builtin: BusinessHours = REGION_HOURS[region]
        name = wanted.get(region, "")
        if not rows:
            why = f"{zendesk} has no schedules"
        elif not name:
            why = "no Zendesk schedule is set for this region"
        elif name.casefold() not in by_name:
            why = f"{zendesk} has no schedule named \u2018{name}\u2019"
        else:
            schedule = by_name[name.casefold()]
            hours, problem = hours_of(schedule)
            if hours is not None:
                clocks[region] = RegionClock(region, hours, schedule.name)
                continue
            why = f"Zendesk schedule \u2018{schedule.name}\u2019 is not used: {problem}"
        clocks[region] = RegionClock(region, builtin, "", why)
    return clocks


def _zendesk(instance: str) -> str:
    """The instance in words: "Zendesk", or "the US Government Zendesk" with more than one."""
    if not instances.is_multi():
        return "Zendesk"
    try:
        return f"the {instances.get(instance).name} Zendesk"
    except KeyError:
        return f"the {instance} Zendesk"


def instance_clocks(schedules: Iterable[Schedule] | None = None) -> dict[str, dict[str, RegionClock]]:
    """Every configured instance's regional clocks, by instance key (one query for the
    schedules unless they are given). Pick a ticket's with `clocks_of`."""
    rows = list(Schedule.objects.all() if schedules is None else schedules)
    return {i.key: region_clocks(rows, i.key) for i in instances.all_instances()}


def clocks_of(by_instance: dict[str, dict[str, RegionClock]], instance: str) -> dict[str, RegionClock]:
    """The regional clocks of `instance` from `instance_clocks()`: an instance no longer
    configured has the built-in hours (never another instance's schedules)."""
    found = by_instance.get(instance)
    return found if found is not None else region_clocks(schedules=[], instance=instance)


def builtin_clocks() -> dict[str, RegionClock]:
    """The built-in hours for every region, without reading the database."""
    return region_clocks(schedules=[])
