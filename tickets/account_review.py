"""Reads for the account review: tickets per week, average score per week, the common gaps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.models import Account
from csmportal.instances import hidden_q

from .links import open_tickets_url, tickets_url
from .models import IS_OPEN, Status, Ticket, TicketGap
from .review import CHECKS

PERIODS = {4: "4 weeks", 12: "12 weeks", 26: "26 weeks", 52: "52 weeks"}
DEFAULT_WEEKS = 26


@dataclass(frozen=True)
class GapCount:
    code: str
    count: int
    share: int  # percent of the period's reviewed tickets

    @property
    def label(self) -> str:
        """The gap as what is missing ("No steps to reproduce")."""
        return CHECKS[self.code].gap

    @property
    def advice(self) -> str:
        return CHECKS[self.code].advice

    @property
    def handbook(self) -> str:
        return CHECKS[self.code].handbook


@dataclass
class AccountReview:
    account: Account
    weeks: int
    since: dt.datetime
    tickets: int = 0
    reviewed: int = 0
    open_tickets: int = 0
    average_score: float | None = None
    week_labels: list[str] = field(default_factory=list)
    tickets_per_week: list[int] = field(default_factory=list)
    score_per_week: list[float | None] = field(default_factory=list)
    gaps: list[GapCount] = field(default_factory=list)
    lowest: list[Ticket] = field(default_factory=list)

    @cached_property
    def tickets_url(self) -> str:
        """The dashboard listing exactly the tickets counted as opened in the period (each gap's
        row links it too: built once)."""
        return tickets_url(account=self.account.pk, opened_after=timezone.localtime(self.since).date())

    @property
    def open_tickets_url(self) -> str:
        return open_tickets_url(account=self.account.pk)

    def chart_data(self) -> dict:
        return {
            "weeks": self.week_labels,
            "tickets": self.tickets_per_week,
            "scores": self.score_per_week,
            "gaps": [{"label": g.label, "share": g.share, "count": g.count} for g in self.gaps],
        }


def _week_start(value: dt.datetime) -> dt.date:
    local = timezone.localtime(value).date()
    return local - dt.timedelta(days=local.weekday())


def account_review(
    account: Account,
    *,
    weeks: int = DEFAULT_WEEKS,
    now: dt.datetime | None = None,
    with_lowest: bool = True,
    user: Any = None,
) -> AccountReview:
    """Four queries, whatever the number of tickets: totals, per week, gaps, lowest scores.
    Of the tickets `user` may see (docs/instances.md, Access; no one given: the tickets of
    instances that are not restricted)."""
    now = now or timezone.now()
    first_week = _week_start(now) - dt.timedelta(weeks=weeks - 1)
    since = timezone.make_aware(dt.datetime.combine(first_week, dt.time.min))
    data = AccountReview(account=account, weeks=weeks, since=since)
    live = Ticket.objects.visible_to(user).live().filter(account=account)
    period = live.filter(zd_created_at__gte=since)
    in_period = Q(zd_created_at__gte=since)
    # "Open" counts every open ticket of the account, whenever it was opened: the same number as
    # the account page and the portfolio (Ticket.objects.open()), not only the period's.
    totals = live.aggregate(
        n=Count("id", filter=in_period),
        reviewed=Count("id", filter=in_period & Q(quality_score__isnull=False)),
        open=Count("id", filter=IS_OPEN),
        avg=Avg("quality_score", filter=in_period),
    )
    data.tickets, data.reviewed, data.open_tickets = totals["n"], totals["reviewed"], totals["open"]
    data.average_score = round(totals["avg"], 1) if totals["avg"] is not None else None

    by_week = {
        _week_start(row["week"]) if isinstance(row["week"], dt.datetime) else row["week"]: row
        for row in period.annotate(week=TruncWeek("zd_created_at"))
        .values("week")
        .annotate(n=Count("id"), avg=Avg("quality_score"))
        .order_by("week")
    }
    for n in range(weeks):
        week = first_week + dt.timedelta(weeks=n)
        row = by_week.get(week)
        data.week_labels.append(week.strftime("%d %b"))
        data.tickets_per_week.append(row["n"] if row else 0)
        data.score_per_week.append(round(row["avg"], 1) if row and row["avg"] is not None else None)

    gap_rows = (
        TicketGap.objects.filter(
            ticket__account=account, ticket__zd_created_at__gte=since, ticket__quality_score__isnull=False
        )
        .exclude(ticket__status=Status.DELETED)
        .filter(hidden_q(user, "ticket__zd_instance"))
        .values("code")
        .annotate(n=Count("id"))
    )
    order = list(CHECKS)  # ties: in the handbook's order
    data.gaps = [
        GapCount(row["code"], row["n"], round(100 * row["n"] / data.reviewed) if data.reviewed else 0)
        for row in sorted(
            gap_rows, key=lambda r: (-r["n"], order.index(r["code"]) if r["code"] in order else 99)
        )
        if row["code"] in CHECKS
    ]
    if not with_lowest:
        return data
    data.lowest = list(
        period.filter(quality_score__isnull=False)
        .select_related("requester", "organization")
        .only(
            "id",
            "zd_id",
            "zd_instance",
            "subject",
            "status",
            "quality_score",
            "zd_created_at",
            "account",
            "requester__name",
            "requester__email",
            # whether its org claims the account unconfirmed (accounts.claims)
            "organization__name",
            "organization__domain_names",
            "organization__account",
            "organization__link_confirmed_at",
            "organization__link_confirmed_sf_id",
        )
        .order_by("quality_score", "-zd_created_at")[:8]
    )
    return data
