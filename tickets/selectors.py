"""Reads of tickets: the dashboard's rows, one ticket's page, the capped count."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from contacts.models import SupportUser
from csmportal.instances import GLOBAL, hidden_keys
from users.roles import ALL_ROLES, require_role

from .models import Case, Comment, Ticket, ticket_path
from .rows import Listed, listed_queryset

# Counting every match of a broad filter over a million tickets is the slow part of a list
# page; past this many the page says "10,000+" and offers that many pages.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_CAP + 1 rows (SELECT COUNT(*) FROM (... LIMIT n))."""

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        # Without ORDER BY: the database can stop at cap + 1 matches instead of sorting them all.
        count_upto = getattr(self.object_list, "count_upto", None)
        if count_upto is not None:  # DashboardTickets
            return int(count_upto(self.cap + 1))
        return self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def ticket_dashboard(user: Any) -> QuerySet[Ticket]:
    """The dashboard's tickets `user` may see (docs/instances.md, Access), newest first; the
    page reads only the columns its rows show (`dashboard_tickets`, `tickets.rows.COLUMNS`)."""
    return Ticket.objects.visible_to(user).order_by("-zd_created_at", "-pk")


def ticket_export(user: Any) -> QuerySet[Ticket]:
    """The CSV export's rows `user` may see (same filters as the dashboard), with what the
    columns need."""
    return (
        Ticket.objects.visible_to(user)
        .select_related("account", "account__csm", "requester", "organization")
        .defer("description", "quality_findings", "tags")
        .order_by("-zd_created_at", "-pk")
    )


def get_ticket_for_user(user: Any, zd_id: int, instance: str = GLOBAL) -> Ticket:
    """The ticket with Zendesk number `zd_id` in `instance`. Every role may read any ticket of
    an instance they may see (CSMs cover each other's accounts); a restricted instance's ticket
    is a 404 for a person not cleared for it (docs/instances.md, Access)."""
    require_role(user, *ALL_ROLES)
    return get_object_or_404(
        Ticket.objects.visible_to(user).select_related(
            "account", "account__csm", "organization", "requester", "requester__contact"
        ),
        zd_id=zd_id,
        zd_instance=instance,
    )


def ticket_zd_id_for_user(user: Any, pk: int) -> str | None:
    """The page address (instance and Zendesk number) of the ticket whose portal id is `pk`
    (the ticket pages' address before they used Zendesk's number), or None. Same access rule
    as `get_ticket_for_user`."""
    require_role(user, *ALL_ROLES)
    found = Ticket.objects.visible_to(user).filter(pk=pk).values_list("zd_id", "zd_instance").first()
    return ticket_path(*found) if found else None


def emailed_under_old_address(user: Any, number: int, shown: Ticket) -> Ticket | None:
    """The other ticket an old notification email sent `user` to at `/tickets/<number>/`.

    Before the ticket pages used Zendesk's number, new-ticket emails linked the portal's id.
    When that id is now another ticket's Zendesk number, the page says which ticket the user
    was emailed about, so an old email's link still reaches its ticket in one click."""
    return (
        Ticket.objects.visible_to(user)
        .filter(pk=number, notifications__recipient=user)
        .exclude(pk=shown.pk)
        .only("zd_id", "zd_instance", "subject")
        .first()
    )


@dataclass(frozen=True)
class Entitlement:
    entitled: bool
    reason: str


def requester_entitlement(ticket: Ticket) -> Entitlement:
    """Is the requester an entitled support contact: an active end user in the ticket's org?"""
    person: SupportUser | None = ticket.requester
    if person is None:
        return Entitlement(False, "The requester is not synced from Zendesk yet.")
    if person.is_agent:
        return Entitlement(False, "The ticket was opened by a support agent, not a customer contact.")
    if not person.active or person.suspended:
        return Entitlement(False, "The requester is suspended or inactive in Zendesk.")
    if person.organization_id is None:
        return Entitlement(
            False, "The requester is in no organization in Zendesk, so not entitled to support."
        )
    if ticket.organization_id and person.organization_id != ticket.organization_id:
        return Entitlement(False, "The requester belongs to another organization than the ticket's.")
    org = ticket.organization or person.organization
    return Entitlement(True, f"Member of the organization {org} in Zendesk: entitled to support.")


def ticket_comments(ticket: Ticket) -> QuerySet[Comment]:
    """The timeline: comments linked by Zendesk ticket ID (they may arrive before the ticket)."""
    same = Q(zd_ticket_id=ticket.zd_id, zd_instance=ticket.zd_instance)
    return (
        Comment.objects.filter(Q(ticket=ticket) | same)
        .select_related("author")
        .order_by("created_at", "zd_id")
    )


def ticket_cases(ticket: Ticket) -> list[Case]:
    """Salesforce cases name a ticket by number alone: the global instance's (docs/instances.md)."""
    by_number = Q(zd_ticket_id=ticket.zd_id) if ticket.zd_instance == GLOBAL else Q(pk__in=[])
    return list(Case.objects.live().filter(Q(ticket=ticket) | by_number).order_by("sf_created_at"))


def salesforce_record_url(sf_id: str) -> str:
    """Where a person opens a Salesforce record (Lightning when its address is configured)."""
    if settings.SALESFORCE_WEB_URL:
        return f"{settings.SALESFORCE_WEB_URL}/lightning/r/{sf_id}/view"
    base = settings.SALESFORCE_LOGIN_URL or "https://login.salesforce.com"
    return f"{base}/{sf_id}"  # My Domain redirects a record ID to the record's page


# The dashboard's SQL per set of filter values (`dashboard_tickets`), most recently used last.
DASHBOARD_SQL_ENTRIES = 256
_dashboard_sql: OrderedDict[tuple[Any, ...], DashboardSql] = OrderedDict()
_dashboard_lock = threading.Lock()


@dataclass(frozen=True)
class DashboardSql:
    """A filtered dashboard compiled: its capped count and its rows (without LIMIT/OFFSET), with
    the converters the ORM applies to the rows' columns (the JSON of an org's domains)."""

    count_sql: str
    count_params: tuple[Any, ...]
    rows_sql: str
    rows_params: tuple[Any, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]


class DashboardTickets:
    """The dashboard's filtered tickets as its paginator reads them: a capped count and a page's
    slice of `Listed` rows (the columns a row shows: no description, no model instance per
    ticket, account, organization and requester), from SQL compiled once per process and set of
    filter values (`dashboard_tickets`) or from the filtered queryset."""

    ordered = True

    def __init__(self, queryset: QuerySet[Ticket], compiled: DashboardSql | None, using: str) -> None:
        self.queryset = queryset
        self.compiled = compiled
        self.using = using

    def count_upto(self, limit: int) -> int:
        """The number of matches, counting at most `limit` (CappedPaginator's cap + 1)."""
        if self.compiled is None:
            return self.queryset.order_by()[:limit].count()
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.compiled.count_sql, self.compiled.count_params)
            return min(cursor.fetchone()[0], limit)

    def __getitem__(self, page: slice) -> list[Listed]:
        if self.compiled is None:
            return list(listed_queryset(self.queryset)[page])
        start, stop = page.start or 0, page.stop
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(
                f"{self.compiled.rows_sql} LIMIT %s OFFSET %s",
                (*self.compiled.rows_params, stop - start, start),
            )
            rows = cursor.fetchall()
        listed = []
        for row in rows:
            values = list(row)
            for pos, converters, expression in self.compiled.converters:
                for convert in converters:
                    values[pos] = convert(values[pos], expression, connection)
            listed.append(Listed._make(values))
        return listed


def _key_value(value: Any) -> Any:
    """A filter's cleaned value as part of a key: a model by its class and pk, a range by its
    ends; None for a value that may not key a cache (its SQL is then compiled per request)."""
    if value is None or isinstance(value, str | int | dt.date):
        return value
    if isinstance(value, models.Model):
        return (value._meta.label, value.pk)
    if isinstance(value, slice):
        return ("range", _key_value(value.start), _key_value(value.stop))
    raise TypeError(type(value))


def dashboard_tickets(filterset: Any, user: Any, using: str = "default") -> DashboardTickets:
    """What the dashboard lists for a `TicketFilter` (its form read). On PostgreSQL its SQL is
    compiled once per process and set of filter values: building and compiling the filtered
    queryset and its capped count cost more CPU than running them. Otherwise, or when the
    filters read the clock (the SLA filter) or are invalid, from the filtered queryset.

    The key holds everything the SQL is made of: the instances hidden from the user, the user
    (the "mine" scope), the scope's account IDs (the CSM filter's list), and every filter's
    value (dates already in the reader's time zone)."""
    form = filterset.form
    if connections[using].vendor != "postgresql" or not form.is_valid() or form.cleaned_data.get("sla"):
        return DashboardTickets(filterset.qs, None, using)
    try:
        values = tuple(sorted((name, _key_value(v)) for name, v in form.cleaned_data.items()))
    except TypeError:
        return DashboardTickets(filterset.qs, None, using)
    ids = filterset.scope_account_ids
    key = (using, hidden_keys(user), user.pk, tuple(ids) if ids is not None else None, values)
    with _dashboard_lock:
        compiled = _dashboard_sql.get(key)
        if compiled is not None:
            _dashboard_sql.move_to_end(key)
    if compiled is None:
        try:
            compiled = _compile_dashboard(filterset.qs, using)
        except EmptyResultSet:  # nothing can match (a scope without accounts): the ORM says so
            return DashboardTickets(filterset.qs, None, using)
        with _dashboard_lock:
            _dashboard_sql[key] = compiled
            while len(_dashboard_sql) > DASHBOARD_SQL_ENTRIES:
                _dashboard_sql.popitem(last=False)
    return DashboardTickets(filterset.queryset, compiled, using)


def _compile_dashboard(queryset: QuerySet[Any], using: str) -> DashboardSql:
    counted = queryset.order_by().values_list("pk")[: COUNT_CAP + 1]
    inner_sql, count_params = counted.query.get_compiler(using=using).as_sql()
    compiler = listed_queryset(queryset).query.get_compiler(using=using)
    rows_sql, rows_params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return DashboardSql(
        count_sql=f"SELECT COUNT(*) FROM ({inner_sql}) subquery",  # noqa: S608 (Django's SQL)
        count_params=tuple(count_params),
        rows_sql=rows_sql,
        rows_params=tuple(rows_params),
        converters=tuple((pos, tuple(convs), expr) for pos, (convs, expr) in converters.items()),
    )
