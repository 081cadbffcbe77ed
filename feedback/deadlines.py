"""When a forwarded item's first response is due (the handbook's SSAT workflow).

- Every item: within 7 calendar days of being forwarded.
- When the customer asks to be contacted by a manager: within 48 hours "Mon-Fri": 48 clock
  hours that skip Saturdays and Sundays (so an item forwarded on Sunday evening is due at the
  end of Tuesday, one forwarded on Friday at noon on Tuesday at noon), and never later than
  the 7 days. The weekend is the customer's region's - the ticket's Preferred Region for
  Support when it names one, else the account's region - on that region's local clock; the
  region's Zendesk holidays are skipped too when Zendesk has a schedule for it
  (tickets/schedules.py). With no region, the weekend is Saturday and Sunday in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts.models import Account, Region
from csmportal.instances import GLOBAL
from tickets.models import PreferredRegion, Ticket
from tickets.schedules import RegionClock, region_clocks

FIRST_RESPONSE_DAYS = 7
MANAGER_CONTACT_HOURS = 48
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
# Never more than this many calendar days of holidays and weekends in a row (guards a loop).
_MAX_DAYS = 3660

ACCOUNT_TO_TICKET_REGION = {
    Region.AMER: PreferredRegion.AMER,
    Region.EMEA: PreferredRegion.EMEA,
    Region.APAC: PreferredRegion.APAC,
}


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    rule: str  # one readable line: how `at` was worked out


def add_weekday_time(
    start: dt.datetime,
    duration: dt.timedelta,
    tz: dt.tzinfo = dt.UTC,
    holidays: Iterable[tuple[dt.date, dt.date]] = (),
) -> dt.datetime:
    """`start + duration` counting every hour of Monday to Friday on the local clock of `tz`,
    except the `holidays` (inclusive local date ranges)."""
    closed = tuple(holidays)
    cursor, remaining = start.astimezone(dt.UTC), duration
    for _ in range(_MAX_DAYS):
        day = cursor.astimezone(tz).date()
        next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(
            dt.UTC
        )
        if day.weekday() not in WEEKEND and not any(a <= day <= b for a, b in closed):
            if remaining <= next_midnight - cursor:
                return cursor + remaining
            remaining -= next_midnight - cursor
        cursor = next_midnight
    raise ValueError("No working day within ten years.")


def customer_clock(
    *, account: Account | None, ticket: Ticket | None, clocks: dict[str, RegionClock]
) -> tuple[RegionClock | None, str]:
    """The customer's regional clock (None: no region), and where the region came from."""
    if ticket is not None and ticket.preferred_region in clocks:
        region = PreferredRegion(ticket.preferred_region)
        return clocks[region], f"{region.label}, the ticket's preferred region"
    if account is not None and account.region in ACCOUNT_TO_TICKET_REGION:
        region = ACCOUNT_TO_TICKET_REGION[Region(account.region)]
        return clocks[region], f"{region.label}, the account's region"
    return None, "all regions: no region set"


def first_response_due(
    *,
    forwarded_at: dt.datetime,
    wants_manager_contact: bool,
    account: Account | None,
    ticket: Ticket | None,
    clocks: dict[str, RegionClock] | None = None,
) -> Due:
    """`clocks`: the regions' business hours (read from the database when not given: those of
    the ticket's Zendesk instance, or the global one's without a ticket)."""
    week = forwarded_at + dt.timedelta(days=FIRST_RESPONSE_DAYS)
    if not wants_manager_contact:
        return Due(week, f"{FIRST_RESPONSE_DAYS} days")
    clock, source = customer_clock(
        account=account,
        ticket=ticket,
        clocks=region_clocks(instance=ticket.zd_instance if ticket else GLOBAL) if clocks is None else clocks,
    )
    budget = dt.timedelta(hours=MANAGER_CONTACT_HOURS)
    if clock is None:
        contact, days_text = add_weekday_time(forwarded_at, budget), "Mon-Fri (UTC)"
    else:
        tz = ZoneInfo(clock.hours.tz_name)
        contact = add_weekday_time(forwarded_at, budget, tz, clock.holidays)
        days_text = f"Mon-Fri ({clock.hours.tz_name})"
        if clock.from_zendesk:
            days_text += f" without the holidays of Zendesk schedule \u2018{clock.schedule_name}\u2019"
    rule = f"{MANAGER_CONTACT_HOURS} hours {days_text}; {source}"
    if contact > week:
        return Due(week, f"{FIRST_RESPONSE_DAYS} days (sooner than {rule})"[:200])
    return Due(contact, rule[:200])


def zone_label(tz: dt.tzinfo) -> str:
    """A time zone as people say it: "Europe/London" -> "London", "UTC" -> "UTC"."""
    name = getattr(tz, "key", None) or str(tz)
    return name.rsplit("/", 1)[-1].replace("_", " ")


def plain_due(at: dt.datetime, tz: dt.tzinfo, *, today: dt.date | None = None) -> str:
    """A deadline in plain calendar words on a named clock: "Tuesday 8 Dec, 17:00 London".

    The year is added when it is not the current one (on that clock)."""
    local = at.astimezone(tz)
    this_year = (today or dt.datetime.now(tz).date()).year
    day = f"{local:%A} {local.day} {local:%b}"
    if local.year != this_year:
        day += f" {local.year}"
    return f"{day}, {local:%H:%M} {zone_label(tz)}"
