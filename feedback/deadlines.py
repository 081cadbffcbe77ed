"""When a forwarded item's first response is due, and whose business hours count.

- Every item: within 7 calendar days of being forwarded.
- When the customer asks to be contacted by a manager: within 48 business hours of the
  customer's region - the ticket's Preferred Region for Support when it names one, else the
  account's region - and never later than the 7 days. With no region, support's global
  week counts: Monday to Friday, around the clock (UTC).

The regions' hours are the ones the ticket SLA uses (tickets.sla.REGION_HOURS), computed by
tickets.business_hours, so feedback and tickets agree on what a business hour is.
"""

import datetime as dt
from dataclasses import dataclass

from accounts.models import Account, Region
from tickets.business_hours import BusinessHours
from tickets.models import PreferredRegion, Ticket
from tickets.sla import REGION_HOURS

FIRST_RESPONSE_DAYS = 7
MANAGER_CONTACT_BUSINESS_HOURS = 48


ACCOUNT_TO_TICKET_REGION = {
    Region.AMER: PreferredRegion.AMER,
    Region.EMEA: PreferredRegion.EMEA,
    Region.APAC: PreferredRegion.APAC,
}


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    rule: str  # one readable line: how `at` was worked out


def add_weekday_time(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """`start + duration` counting Monday to Friday around the clock (UTC): support's week."""
    cursor, remaining = start.astimezone(dt.UTC), duration
    while True:
        next_midnight = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
        if cursor.weekday() < 5:
            if remaining <= next_midnight - cursor:
                return cursor + remaining
            remaining -= next_midnight - cursor
        cursor = next_midnight


def customer_hours(*, account: Account | None, ticket: Ticket | None) -> tuple[BusinessHours | None, str]:
    """The customer's business hours (None: support's 24x5 week), and where they came from."""
    if ticket is not None and ticket.preferred_region in REGION_HOURS:
        region = PreferredRegion(ticket.preferred_region)
        return REGION_HOURS[region], f"{region.label}, the ticket's preferred region"
    if account is not None and account.region in ACCOUNT_TO_TICKET_REGION:
        region = ACCOUNT_TO_TICKET_REGION[Region(account.region)]
        return REGION_HOURS[region], f"{region.label}, the account's region"
    return None, "all regions: no region set"


def first_response_due(
    *, forwarded_at: dt.datetime, wants_manager_contact: bool, account: Account | None, ticket: Ticket | None
) -> Due:
    week = forwarded_at + dt.timedelta(days=FIRST_RESPONSE_DAYS)
    if not wants_manager_contact:
        return Due(week, f"{FIRST_RESPONSE_DAYS} days")
    hours, source = customer_hours(account=account, ticket=ticket)
    budget = dt.timedelta(hours=MANAGER_CONTACT_BUSINESS_HOURS)
    if hours is None:
        contact, hours_text = add_weekday_time(forwarded_at, budget), "Mon-Fri, all day (UTC)"
    else:
        contact, hours_text = hours.add(forwarded_at, budget), hours.describe()
    rule = f"{MANAGER_CONTACT_BUSINESS_HOURS} business hours: {hours_text}; {source}"
    if contact > week:
        return Due(week, f"{FIRST_RESPONSE_DAYS} days (sooner than {rule})")
    return Due(contact, rule)
