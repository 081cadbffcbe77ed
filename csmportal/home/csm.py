"""What needs a CSM's attention today: their accounts, ranked by what needs doing.

Each reason is counted in SQL, one grouped query per source (tickets, feedback, ratings, support-ops
requests, onboarding steps, and the accounts themselves with their renewal and data problems), so
the page runs the same handful of queries whether a CSM has three accounts or three hundred. Only
the accounts with a reason are ranked (in Python: a sort of small tuples) and a page of them shown.

The ranking, most urgent first (`Reason` is in this order): open tickets whose first-reply SLA is
breached (most first), first replies due within a day (the soonest first), open feedback, bad
ratings (30 days), a renewal within 30 days (the soonest first), support-ops requests waiting on the CSM,
onboarding steps to do, data problems; then the account's name.

Tickets, ratings, feedback and requests of a restricted Zendesk instance the CSM is not cleared for
count for nothing (docs/instances.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.http import urlencode

from accounts.checklist_models import ChecklistStep, StepStatus
from accounts.findings import Problem, problem_annotations
from accounts.models import Account
from csmportal.compiled import TIME_MARKS, USER_MARK, values_rows
from csmportal.instances import hide, visible_keys
from csmportal.url_tags import fast_reverse
from feedback.models import OPEN_FEEDBACK, Feedback, Rating, Score
from feedback.selectors import visible_feedback
from supportops.models import OpsRequest, RequestKind, RequestStatus
from supportops.selectors import visible_requests
from tickets import sla
from tickets.models import OPEN_STATUSES, SlaState, Ticket

DUE_SOON = dt.timedelta(hours=24)
BAD_RATINGS_DAYS = 30  # one of the ratings list's periods, so the count and its link agree
RENEWAL_DAYS = 30  # the portfolio's "Renewal: within 30 days"
# Requests where support ops has finished and the CSM confirms the notes show in Zendesk.
WAITING_ON_CSM = (RequestStatus.DONE, RequestStatus.FLAGGED)


class Reason(models.TextChoices):
    """Why an account is on the list, most urgent first."""

    SLA_BREACHED = "sla_breached", "SLA breached"
    SLA_DUE = "sla_due", "First reply due soon"
    FEEDBACK = "feedback", "Open feedback"
    BAD_RATINGS = "bad_ratings", "Bad ratings"
    RENEWAL = "renewal", "Renewal within 30 days"
    REQUESTS = "requests", "Requests waiting on you"
    ONBOARDING = "onboarding", "Onboarding steps to do"
    DATA = "data", "Data problems"


# The unit each reason counts, for the section buttons ("5 tickets").
UNITS = {
    Reason.SLA_BREACHED: ("ticket", "tickets"),
    Reason.SLA_DUE: ("ticket", "tickets"),
    Reason.FEEDBACK: ("item", "items"),
    Reason.BAD_RATINGS: ("rating", "ratings"),
    Reason.RENEWAL: ("renewal", "renewals"),
    Reason.REQUESTS: ("request", "requests"),
    Reason.ONBOARDING: ("step", "steps"),
    Reason.DATA: ("problem", "problems"),
}


@dataclass(frozen=True)
class Item:
    """One reason on one account: how many, in words, and the link that acts on it."""

    reason: str
    count: int
    text: str
    action: str
    url: str
    badge: str = "warn"

    @property
    def label(self) -> str:
        return Reason(self.reason).label

    @property
    def button(self) -> str:
        """The action's words, with how many things it opens (a renewal is one date: no count)."""
        return self.action if self.reason == Reason.RENEWAL else f"{self.action} ({self.count})"


@dataclass
class Row:
    """An account with a reason: its counts (cheap, for ranking every account) and, for the rows
    a page shows, its items in words with their links (`items`, built on first use)."""

    pk: int
    name: str
    counts: dict[str, int]
    now: dt.datetime
    next_due: dt.datetime | None = None  # the first reply due soonest (with SLA_DUE)
    renewal: dt.date | None = None  # with RENEWAL
    renewal_days: int = 0
    first_request: int | None = None  # the oldest waiting request (with REQUESTS)
    rank: tuple[Any, ...] = ()

    @cached_property
    def items(self) -> list[Item]:
        return row_items(self)

    @property
    def action(self) -> Item:
        """The most urgent reason: the row's one-click action."""
        return self.items[0]

    def has(self, reason: str) -> bool:
        return bool(self.counts.get(reason))


@dataclass(frozen=True)
class Section:
    """A "needs attention" button: how many things, on how many accounts."""

    reason: str
    count: int
    accounts: int

    @property
    def label(self) -> str:
        return Reason(self.reason).label

    @property
    def unit(self) -> str:
        one, many = UNITS[Reason(self.reason)]
        return one if self.count == 1 else many

    @property
    def level(self) -> str:
        """How loud the button is: "bad" for breaches and bad ratings, "warn" for the rest."""
        if not self.count:
            return "none"
        return "bad" if self.reason in (Reason.SLA_BREACHED, Reason.BAD_RATINGS) else "warn"


@dataclass(frozen=True)
class Attention:
    rows: list[Row]  # ranked, every account with a reason
    sections: list[Section]
    accounts: int  # the CSM's live accounts

    def filtered(self, reason: str) -> list[Row]:
        return [row for row in self.rows if row.has(reason)] if reason in Reason.values else self.rows


def _link(name: str, *args: int, **query: str | int) -> str:
    url = fast_reverse(name, list(args))
    return f"{url}?{urlencode(query)}" if query else url


def _tickets_url(account_pk: int, **query: str) -> str:
    return _link("tickets:list", account=account_pk, status="unsolved", **query)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _queries(user: Any, now: dt.datetime, soon: dt.datetime, since: dt.datetime) -> dict[str, QuerySet]:
    """The page's six queries (each a `.values()`): the CSM's accounts with their data problems,
    and per account the counts of each source, of the rows `user` may see."""
    mine = Account.objects.live().filter(csm=user)
    ids = mine.values("pk")
    flags = [f"p_{code}" for code in Problem.values]
    breached, due = sla.state_q(SlaState.BREACHED, now), sla.state_q(SlaState.DUE, now)

    def by_account(queryset: QuerySet, group: str, **aggregates: Any) -> QuerySet:
        return queryset.order_by().values(group).annotate(**aggregates)

    return {
        "accounts": mine.annotate(**problem_annotations(user)).values("pk", "name", "renewal_date", *flags),
        "tickets": by_account(
            Ticket.objects.visible_to(user).filter(
                account__in=ids, status__in=OPEN_STATUSES, sla_due_at__isnull=False
            ),
            "account",
            breached=Count("pk", filter=breached),
            due_soon=Count("pk", filter=due & Q(sla_due_at__lt=soon)),
            next_due=Min("sla_due_at", filter=due),
        ),
        "feedback": by_account(
            visible_feedback(Feedback.objects.filter(account__in=ids, status__in=OPEN_FEEDBACK), user),
            "account",
            n=Count("pk"),
        ),
        "ratings": by_account(
            hide(Rating.objects.all(), user).filter(
                account__in=ids, score=Score.BAD, zd_created_at__gte=since
            ),
            "account",
            n=Count("pk"),
        ),
        "requests": by_account(
            visible_requests(
                OpsRequest.objects.filter(
                    account__in=ids, kind=RequestKind.ORG_NOTES, status__in=WAITING_ON_CSM
                ),
                user,
            ),
            "account",
            n=Count("pk"),
            first=Min("pk"),
        ),
        "steps": by_account(
            ChecklistStep.objects.filter(checklist__account__in=ids, status=StepStatus.PENDING).filter(
                Q(owner__isnull=True) | Q(owner=user)
            ),
            "checklist__account",
            n=Count("pk"),
        ),
    }


# The marks each query's SQL holds, in place of the values a request puts in.
MARKS_OF = {
    "accounts": ("user",),
    "tickets": ("user", "now", "soon"),
    "feedback": ("user",),
    "ratings": ("user", "since"),
    "requests": ("user",),
    "steps": ("user",),
}
MARKS = {"user": USER_MARK, "now": TIME_MARKS[0], "soon": TIME_MARKS[1], "since": TIME_MARKS[2]}


def _rows_of(name: str, user: Any, now: dt.datetime) -> list[dict[str, Any]]:
    """One of `_queries`' results for the CSM `user` at `now`: built and compiled once per
    process and set of instances hidden from the user (csmportal.compiled), then only run."""
    values = {
        "user": user.pk,
        "now": now,
        "soon": now + DUE_SOON,
        "since": now - dt.timedelta(days=BAD_RATINGS_DAYS),
    }

    def build(**marks: Any) -> QuerySet:
        from users.models import User

        # Someone with the user's view of the instances, whose pk is the mark.
        viewer = User(pk=marks["user"])
        viewer._visible_instances = visible_keys(user)  # type: ignore[attr-defined]
        return _queries(viewer, **{key: marks.get(key, MARKS[key]) for key in ("now", "soon", "since")})[name]

    used = MARKS_OF[name]
    return values_rows(
        f"home.{name}", user, build, {key: MARKS[key] for key in used}, {key: values[key] for key in used}
    )


def csm_attention(user: Any, now: dt.datetime | None = None) -> Attention:
    """The CSM's accounts that need something, ranked; six queries whatever their number."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    flags = [f"p_{code}" for code in Problem.values]
    accounts = _rows_of("accounts", user, now)
    tickets = {row["account"]: row for row in _rows_of("tickets", user, now)}
    feedback = {row["account"]: row for row in _rows_of("feedback", user, now)}
    ratings = {row["account"]: row for row in _rows_of("ratings", user, now)}
    requests = {row["account"]: row for row in _rows_of("requests", user, now)}
    steps = {row["checklist__account"]: row for row in _rows_of("steps", user, now)}
    rows = []
    for account in accounts:
        pk = account["pk"]
        row = _row(
            account,
            tickets=tickets.get(pk, {}),
            feedback=feedback.get(pk, {}).get("n", 0),
            ratings=ratings.get(pk, {}).get("n", 0),
            requests=requests.get(pk, {}),
            steps=steps.get(pk, {}).get("n", 0),
            problems=sum(1 for flag in flags if account[flag]),
            now=now,
            today=today,
        )
        if row.counts:
            rows.append(row)
    rows.sort(key=lambda row: row.rank)
    return Attention(rows=rows, sections=_sections(rows), accounts=len(accounts))


def _row(
    account: dict[str, Any],
    *,
    tickets: dict[str, Any],
    feedback: int,
    ratings: int,
    requests: dict[str, Any],
    steps: int,
    problems: int,
    now: dt.datetime,
    today: dt.date,
) -> Row:
    """The account's counts per reason and its rank (no words or links yet)."""
    breached, due_soon = tickets.get("breached", 0), tickets.get("due_soon", 0)
    next_due = tickets.get("next_due") if due_soon else None
    renewal = account["renewal_date"]
    days = (renewal - today).days if renewal else -1
    renews = 0 <= days <= RENEWAL_DAYS
    waiting = requests.get("n", 0)
    counts = {
        Reason.SLA_BREACHED: breached,
        Reason.SLA_DUE: due_soon if next_due is not None else 0,
        Reason.FEEDBACK: feedback,
        Reason.BAD_RATINGS: ratings,
        Reason.RENEWAL: 1 if renews else 0,
        Reason.REQUESTS: waiting,
        Reason.ONBOARDING: steps,
        Reason.DATA: problems,
    }
    rank = (
        -breached,
        next_due or dt.datetime.max.replace(tzinfo=dt.UTC),
        -feedback,
        -ratings,
        days if renews else RENEWAL_DAYS + 1,
        -waiting,
        -steps,
        -problems,
        account["name"].lower(),
        account["pk"],
    )
    return Row(
        pk=account["pk"],
        name=account["name"],
        counts={str(reason): n for reason, n in counts.items() if n},
        now=now,
        next_due=next_due,
        renewal=renewal if renews else None,
        renewal_days=days,
        first_request=requests.get("first"),
        rank=rank,
    )


def row_items(row: Row) -> list[Item]:
    """Each reason of the row in words, with the link that acts on it, most urgent first."""
    pk, counts = row.pk, row.counts
    account_url = _link("accounts:detail", pk)
    items: list[Item] = []
    if n := counts.get(Reason.SLA_BREACHED, 0):
        items.append(
            Item(
                Reason.SLA_BREACHED,
                n,
                f"{_plural(n, 'open ticket', 'open tickets')} past the first-reply SLA",
                "See the breached tickets",
                _tickets_url(pk, sla=SlaState.BREACHED),
                "bad",
            )
        )
    if (n := counts.get(Reason.SLA_DUE, 0)) and row.next_due is not None:
        items.append(
            Item(
                Reason.SLA_DUE,
                n,
                f"{_plural(n, 'first reply', 'first replies')} due within a day, the next in "
                f"{sla.format_duration(row.next_due - row.now)}",
                "See the tickets due",
                _tickets_url(pk, sla=SlaState.DUE, sort="sla"),
                "info",
            )
        )
    if n := counts.get(Reason.FEEDBACK, 0):
        items.append(
            Item(
                Reason.FEEDBACK,
                n,
                f"{_plural(n, 'item', 'items')} forwarded to the support managers and not closed yet",
                "Follow up the feedback",
                _link("feedback:list", account=pk, status="open"),
            )
        )
    if n := counts.get(Reason.BAD_RATINGS, 0):
        items.append(
            Item(
                Reason.BAD_RATINGS,
                n,
                f"{_plural(n, 'bad rating', 'bad ratings')} in {BAD_RATINGS_DAYS} days",
                "Read the ratings",
                _link("feedback:ratings", account=pk, score=Score.BAD, period=BAD_RATINGS_DAYS, csm="any"),
                "bad",
            )
        )
    if counts.get(Reason.RENEWAL) and row.renewal is not None:
        days = row.renewal_days
        when = "today" if days == 0 else f"in {_plural(days, 'day', 'days')}"
        items.append(
            Item(
                Reason.RENEWAL,
                1,
                f"Renews {when}, {date_format(row.renewal, 'l j M')}",
                "Open the account",
                account_url,
                "info",
            )
        )
    if n := counts.get(Reason.REQUESTS, 0):
        url = (
            _link("supportops:detail", row.first_request)
            if n == 1 and row.first_request is not None
            else _link("supportops:list", account=pk, kind=RequestKind.ORG_NOTES)
        )
        items.append(
            Item(
                Reason.REQUESTS,
                n,
                f"{_plural(n, 'notes request', 'notes requests')} done by support ops: "
                "confirm the notes show in Zendesk",
                "Confirm the notes",
                url,
            )
        )
    if n := counts.get(Reason.ONBOARDING, 0):
        items.append(
            Item(
                Reason.ONBOARDING,
                n,
                f"{_plural(n, 'checklist step', 'checklist steps')} still to do, yours or nobody's",
                "Work the checklist",
                account_url + "#onboarding",
            )
        )
    if n := counts.get(Reason.DATA, 0):
        items.append(
            Item(
                Reason.DATA,
                n,
                f"{_plural(n, 'difference', 'differences')} between Salesforce and Zendesk to fix",
                "See what to fix",
                account_url + "#findings-h",
            )
        )
    return items


def _sections(rows: list[Row]) -> list[Section]:
    totals: dict[str, list[int]] = {reason: [0, 0] for reason in Reason.values}
    for row in rows:
        for reason, count in row.counts.items():
            totals[reason][0] += count
            totals[reason][1] += 1
    return [Section(reason, count, accounts) for reason, (count, accounts) in totals.items()]
