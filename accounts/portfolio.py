# ruff: noqa: S608 - the SQL text is Django's own compilation and fixed column names; values are parameters.
"""The portfolio's rows and totals, cheap per request.

Every row of the portfolio has fifteen computed columns (open tickets, recent ratings,
onboarding progress, the data problems), each a correlated subquery. Building those expressions
and compiling them into SQL cost more CPU than anything else on the page, three times per
request; so they are compiled once per process (`_columns_sql`: the only value that changes, the
start of the ratings' 90 days, is put in each time) and the page's rows and the totals select
from that SQL. The Zendesk-keyed subqueries keep only the rows of the instances the user may see
(docs/instances.md, Access), so the SQL is compiled once per set of hidden instances
(`hidden_keys(user)`): with no instance restricted there is one variant, as for everybody.
The rows come back as plain `PortfolioRow`s, ready to print (see `rows_html`).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.utils import timezone

from csmportal.instances import hidden_keys

from .findings import Problem
from .models import Account, SupportLevel
from .selectors import RECENT_RATINGS_DAYS, Onboarding, portfolio_columns

# Compiled with this in place of the ratings' start; each query puts the real one in its place.
_SINCE_MARK = dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
FIELDS = (
    "pk", "name", "sf_id", "restricted", "support_level", "region", "seats", "arr", "renewal_date",
    "csm_id",
)  # fmt: skip
COMPUTED = (
    "open_tickets", "ratings_good", "ratings_bad", "steps_total", "steps_done", "onboarding",
    "progress", *(f"p_{code}" for code in Problem.values),
)  # fmt: skip
_compiled: dict[tuple[str, frozenset[str]], tuple[str, tuple[Any, ...], tuple[int, ...]]] = {}
_lock = threading.Lock()
SUPPORT_LEVELS = dict(SupportLevel.choices)
PROBLEM_CODES = tuple(Problem.values)


@dataclass(slots=True)
class PortfolioRow:
    """One account of the portfolio with its computed columns (names as `account_list`'s)."""

    pk: int
    name: str
    sf_id: str
    restricted: bool
    support_level: str
    region: str
    seats: int | None
    arr: Any
    renewal_date: dt.date | None
    csm_id: int | None
    csm_name: str | None
    csm_email: str | None
    open_tickets: int
    ratings_good: int
    ratings_bad: int
    steps_total: int
    steps_done: int
    onboarding: str
    progress: int
    p_no_org: bool
    p_sf_id: bool
    p_csm: bool
    p_region: bool
    p_plan: bool
    p_csm_login: bool

    @property
    def csm(self) -> str:
        """The CSM as a user prints (name, else email); empty when the account has none."""
        if self.csm_id is None:
            return ""
        return self.csm_name or self.csm_email or ""

    def get_support_level_display(self) -> str:
        return str(SUPPORT_LEVELS.get(self.support_level, self.support_level))

    @property
    def problems(self) -> list[str]:
        return [code for code in PROBLEM_CODES if getattr(self, f"p_{code}")]


def _columns_sql(alias: str, user: Any = None) -> tuple[str, list[Any]]:
    """SELECT of every account with its portfolio columns as `user` sees them, and its
    parameters with today's start of the recent ratings; compiled on first use per database
    connection alias and set of instances hidden from the user."""
    key = (alias, hidden_keys(user))
    with _lock:
        if key not in _compiled:
            query = _portfolio(Account.objects.all(), user, since=_SINCE_MARK).query
            sql, params = query.get_compiler(using=alias).as_sql()
            marks = tuple(i for i, value in enumerate(params) if value == _SINCE_MARK)
            if not marks:  # the ratings' start must be a parameter, or rows would keep a stale one
                raise RuntimeError("The portfolio's SQL has no place for the ratings' start.")
            _compiled[key] = (sql, tuple(params), marks)
        sql, params, marks = _compiled[key]
    since = timezone.now() - dt.timedelta(days=RECENT_RATINGS_DAYS)
    values = list(params)
    for i in marks:
        values[i] = since
    return sql, values


def _portfolio(accounts: QuerySet[Account], user: Any, since: Any = None) -> QuerySet:
    """The accounts with every portfolio column as `user` sees them (`.values()` rows)."""
    first, second = portfolio_columns(since=since, user=user)
    return (
        accounts.annotate(csm_name=F("csm__name"), csm_email=F("csm__email"), **first)
        .annotate(**second)
        .values(*FIELDS, "csm_name", "csm_email", *COMPUTED)
        .order_by()
    )


def _orm_rows(user: Any, using: str) -> QuerySet:
    """The portfolio's columns through the ORM, for databases other than PostgreSQL (SQLite,
    `make run`'s default, writes dates into the SQL's parameters as text, so the compiled SQL
    has no place for the ratings' start, and returns dates as text)."""
    return _portfolio(Account.objects.using(using), user)


def portfolio_rows(ids: list[int], user: Any = None, using: str = "default") -> list[PortfolioRow]:
    """The given accounts with every portfolio column as `user` sees them, in the given order
    (one query)."""
    if not ids:
        return []
    if connections[using].vendor != "postgresql":
        rows = [PortfolioRow(**values) for values in _orm_rows(user, using).filter(pk__in=list(ids))]
    else:
        sql, params = _columns_sql(using, user)
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT * FROM ({sql}) AS portfolio WHERE portfolio.pk = ANY(%s)",
                [*params, list(ids)],
            )
            names = [column.name for column in cursor.description]
            rows = [PortfolioRow(**dict(zip(names, values, strict=True))) for values in cursor.fetchall()]
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def portfolio_stats(accounts: QuerySet[Account], user: Any = None) -> dict[str, int]:
    """Totals over the filtered portfolio in one query: accounts, onboarding complete and not
    started, with a data problem, and their open tickets (the sum of the rows' column), as
    `user` sees them."""
    using = accounts.db
    if connections[using].vendor != "postgresql":
        rows = list(_orm_rows(user, using).filter(pk__in=accounts.order_by().values("pk")))
        return {
            "accounts": len(rows),
            "complete": sum(row["onboarding"] == Onboarding.COMPLETE for row in rows),
            "not_started": sum(row["onboarding"] == Onboarding.NOT_STARTED for row in rows),
            "with_problems": sum(any(row[f"p_{code}"] for code in Problem.values) for row in rows),
            "tickets_open": sum(row["open_tickets"] for row in rows),
        }
    try:
        ids_sql, ids_params = accounts.order_by().values("pk").query.get_compiler(using=using).as_sql()
    except EmptyResultSet:
        return {"accounts": 0, "complete": 0, "not_started": 0, "with_problems": 0, "tickets_open": 0}
    sql, params = _columns_sql(using, user)
    any_problem = " OR ".join(f"portfolio.p_{code}" for code in Problem.values)
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE portfolio.onboarding = %s),"
            f" count(*) FILTER (WHERE portfolio.onboarding = %s), count(*) FILTER (WHERE {any_problem}),"
            f" coalesce(sum(portfolio.open_tickets), 0) FROM ({sql}) AS portfolio"
            f" WHERE portfolio.pk IN ({ids_sql})",
            [Onboarding.COMPLETE, Onboarding.NOT_STARTED, *params, *ids_params],
        )
        total, complete, not_started, with_problems, tickets_open = cursor.fetchone()
    return {
        "accounts": total,
        "complete": complete,
        "not_started": not_started,
        "with_problems": with_problems,
        "tickets_open": int(tickets_open),
    }
