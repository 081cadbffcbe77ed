"""The first-reply SLA: which target applies to a ticket, on which clock, and where it stands.

Policy (see docs/tickets.md):
- Priority support: first reply within 30 minutes / 4 / 8 / 24 hours for urgent / high /
  normal / low tickets.
- Standard support: first reply within 24 hours, whatever the priority.
- Basic (or no plan): no first-reply SLA.
- The clock: "All Regions" (or no region chosen) runs around the clock; a preferred region
  limits the SLA to that region's business hours: its Zendesk schedule (with holidays) when
  Zendesk has one (tickets/schedules.py), else the built-in hours below (REGION_HOURS).

Zendesk computes its own SLA (the sync copies it into `sla_policy`, `first_reply_due_at`,
`first_reply_at`); when it has one, that is what support works to and what the portal shows.
The portal's own computation fills the gap when Zendesk has none, and explains the rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q

from accounts.models import SupportLevel

from .business_hours import BusinessHours, Hours, add_time, time_between
from .models import OPEN_STATUSES, PreferredRegion, Priority, SlaState
from .schedules import RegionClock, builtin_clocks, region_clocks

# The built-in hours: used for a region only when Zendesk has no schedule for it.
REGION_HOURS: dict[str, BusinessHours] = {
    PreferredRegion.AMER: BusinessHours("America/Chicago", dt.time(7), dt.time(19)),
    PreferredRegion.EMEA: BusinessHours("Europe/London", dt.time(8), dt.time(18)),
    PreferredRegion.APAC: BusinessHours("Australia/Sydney", dt.time(8), dt.time(18)),
}

FIRST_REPLY_TARGETS: dict[str, dict[str, dt.timedelta]] = {
    SupportLevel.PRIORITY: {
        Priority.URGENT: dt.timedelta(minutes=30),
        Priority.HIGH: dt.timedelta(hours=4),
        Priority.NORMAL: dt.timedelta(hours=8),
        Priority.LOW: dt.timedelta(hours=24),
    },
    SupportLevel.STANDARD: {p: dt.timedelta(hours=24) for p in Priority.values},
}


def plan_of(account: Any | None, organization: Any | None) -> str:
    """The support plan: the Salesforce account's, else the Zendesk organization's field."""
    level = getattr(account, "support_level", "") or ""
    if level:
        return level
    text = (getattr(organization, "support_level", "") or "").lower()
    for candidate in (SupportLevel.PRIORITY, SupportLevel.STANDARD, SupportLevel.BASIC):
        if candidate in text:
            return candidate
    return ""


@dataclass(frozen=True)
class SlaPolicy:
    """The first-reply target that applies to a ticket and the clock it runs on."""

    plan: str
    priority: str
    region: str
    target: dt.timedelta | None
    hours: Hours | None
    reasons: tuple[str, ...] = field(default=())
    clock: RegionClock | None = None  # the region's clock (None: around the clock)

    @property
    def hours_source(self) -> str:
        """Which business hours the clock runs on, in words ("" when around the clock)."""
        return self.clock.source if self.clock is not None else ""

    def due_at(self, opened_at: dt.datetime) -> dt.datetime | None:
        if self.target is None:
            return None
        return add_time(opened_at, self.target, self.hours)


def policy_for(
    *, plan: str, priority: str, preferred_region: str, clocks: dict[str, RegionClock] | None = None
) -> SlaPolicy:
    """The policy for a plan, priority and preferred region, with the reasons in words.
    `clocks` are the regions' business hours (`region_clocks()`; the built-in hours when None)."""
    reasons: list[str] = []
    plan_label = SupportLevel(plan).label if plan in SupportLevel.values else ""
    targets = FIRST_REPLY_TARGETS.get(plan)
    clock = (clocks if clocks is not None else builtin_clocks()).get(preferred_region)
    hours = clock.hours if clock is not None else None
    if clock is not None:
        region_label = PreferredRegion(preferred_region).label
        reasons.append(
            f"Preferred region {region_label}: the SLA clock runs only in that region's business "
            f"hours, {clock.hours.describe()}: {clock.source}."
        )
    elif preferred_region == PreferredRegion.ALL:
        reasons.append("Preferred region All Regions: the SLA clock runs around the clock (24x7).")
    else:
        reasons.append("No preferred region chosen: the SLA clock runs around the clock, as for All Regions.")
    if targets is None:
        what = f"{plan_label} support" if plan_label else "No support plan on record"
        reasons.insert(0, f"{what}: no first-reply SLA applies.")
        return SlaPolicy(plan, priority, preferred_region, None, hours, tuple(reasons), clock)
    target = targets.get(priority)
    if target is None:
        reasons.insert(0, f"{plan_label} support, but the ticket has no priority: no SLA target applies.")
        return SlaPolicy(plan, priority, preferred_region, None, hours, tuple(reasons), clock)
    reasons.insert(
        0,
        f"{plan_label} support, {Priority(priority).label.lower()} priority: "
        f"first reply within {format_duration(target)}.",
    )
    return SlaPolicy(plan, priority, preferred_region, target, hours, tuple(reasons), clock)


def ticket_policy(ticket: Any, clocks: dict[str, RegionClock] | None = None) -> SlaPolicy:
    """The ticket's policy, on the regions' current clocks of its own Zendesk instance (read
    from the database unless given)."""
    return policy_for(
        plan=plan_of(ticket.account, ticket.organization),
        priority=ticket.priority or "",
        preferred_region=ticket.preferred_region or "",
        clocks=region_clocks(instance=ticket.zd_instance) if clocks is None else clocks,
    )


def state_at(
    *,
    due_at: dt.datetime | None,
    replied_at: dt.datetime | None,
    status: str,
    now: dt.datetime,
    zendesk_state: str = "",
) -> str:
    """Where the first-reply SLA stands at `now` (mirrors `state_q`). Zendesk saying the target
    was achieved (`zendesk_state` "met", from the sync) settles it."""
    if zendesk_state == SlaState.MET:
        return SlaState.MET
    if due_at is None:
        return SlaState.NONE
    if replied_at is not None:
        return SlaState.MET if replied_at <= due_at else SlaState.BREACHED
    if status not in OPEN_STATUSES:
        return SlaState.NONE  # solved without a first reply: nothing is running any more
    return SlaState.BREACHED if now > due_at else SlaState.DUE


def state_q(state: str, now: dt.datetime) -> Q:
    """Filter on the stored `sla_due_at` / `sla_replied_at` (mirrors `state_at`)."""
    zendesk_met = Q(sla_state=SlaState.MET)
    waiting = Q(sla_replied_at__isnull=True, status__in=OPEN_STATUSES, sla_due_at__isnull=False)
    if state == SlaState.DUE:
        return waiting & Q(sla_due_at__gte=now) & ~zendesk_met
    if state == SlaState.BREACHED:
        late = Q(sla_due_at__isnull=False, sla_replied_at__gt=F("sla_due_at"))
        return ((waiting & Q(sla_due_at__lt=now)) | late) & ~zendesk_met
    if state == SlaState.MET:
        return zendesk_met | Q(sla_due_at__isnull=False, sla_replied_at__lte=F("sla_due_at"))
    return (
        Q(sla_due_at__isnull=True)
        | Q(sla_replied_at__isnull=True, sla_due_at__isnull=False) & ~Q(status__in=OPEN_STATUSES)
    ) & ~zendesk_met


@dataclass(frozen=True)
class SlaView:
    """What the ticket page shows about the SLA."""

    policy: SlaPolicy
    state: str
    due_at: dt.datetime | None
    replied_at: dt.datetime | None
    source: str  # "zendesk" or "portal" (where due_at comes from)
    zendesk_policy: str
    portal_due_at: dt.datetime | None
    lines: tuple[str, ...]

    @property
    def state_label(self) -> str:
        return SlaState(self.state).label

    @property
    def badge(self) -> str:
        badges: dict[str, str] = {SlaState.MET: "ok", SlaState.DUE: "info", SlaState.BREACHED: "bad"}
        return badges.get(self.state, "")


def explain(ticket: Any, now: dt.datetime, clocks: dict[str, RegionClock] | None = None) -> SlaView:
    """The SLA of a ticket in words: the policy, the clock, the due time and where it stands."""
    policy = ticket_policy(ticket, clocks)
    portal_due = policy.due_at(ticket.zd_created_at)
    due_at = ticket.sla_due_at if ticket.sla_due_at is not None else (ticket.first_reply_due_at or portal_due)
    replied_at = ticket.sla_replied_at or ticket.first_reply_at
    source = "zendesk" if ticket.first_reply_due_at is not None else "portal"
    state = state_at(
        due_at=due_at, replied_at=replied_at, status=ticket.status, now=now, zendesk_state=ticket.sla_state
    )
    lines = list(policy.reasons)
    if ticket.sla_policy:
        lines.append(f"Zendesk applies its SLA policy \u201c{ticket.sla_policy}\u201d to this ticket.")
    if ticket.sla_state == SlaState.MET:
        lines.append("Zendesk reports the first-reply target as achieved.")
    if due_at is not None and not (state == SlaState.MET and replied_at is None):
        lines.append(_progress(policy, ticket, due_at, replied_at, state, now))
    return SlaView(
        policy=policy,
        state=state,
        due_at=due_at,
        replied_at=replied_at,
        source=source,
        zendesk_policy=ticket.sla_policy,
        portal_due_at=portal_due,
        lines=tuple(lines),
    )


def _progress(
    policy: SlaPolicy,
    ticket: Any,
    due_at: dt.datetime,
    replied_at: dt.datetime | None,
    state: str,
    now: dt.datetime,
) -> str:
    hours = policy.hours
    if replied_at is not None:
        took = time_between(ticket.zd_created_at, replied_at, hours)
        in_time = state == SlaState.MET or replied_at <= due_at
        verdict = "in time" if in_time else f"late by {format_duration(replied_at - due_at)}"
        return f"First reply after {format_duration(took)} of SLA time: {verdict}."
    if state == SlaState.NONE:
        return "The ticket was solved without a public reply, so the SLA no longer runs."
    if state == SlaState.BREACHED:
        return f"No reply yet: breached {format_duration(now - due_at)} ago."
    left = time_between(now, due_at, hours)
    return f"No reply yet: {format_duration(left)} of SLA time left."


def format_duration(value: dt.timedelta) -> str:
    """Compact, readable: "30 minutes", "4 hours", "24 hours", "3 days 2 hours", "2 hours 5 minutes"."""
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60) if minutes >= 48 * 60 else (0, minutes)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins and not days:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts) or "less than a minute"
