"""The dashboard's rows, prepared in Python: one small object per ticket with its text, links
and badges ready to print, and rendered by `rows_html` with `format_html` (escaped as a template
would): 50 rows a page through the template engine cost more than the page's SQL. The tickets
are read as tuples of the columns a row shows (`Listed`, `COLUMNS`), not four model instances
each; the flags come from one query of (ticket, code) pairs written in SQL, not a TicketGap
instance per finding; an (org, account) pair's claim is decided once per process and fields."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.claims import ticket_claim_unconfirmed
from accounts.mirror import DELETED_PERSON
from csmportal import instances
from csmportal.dates import when_writer
from csmportal.fast_html import escape, truncate_chars
from csmportal.instances import GLOBAL
from csmportal.url_tags import fast_reverse

from . import sla
from .models import Priority, SlaState, Status, Ticket, TicketGap, ticket_path
from .review import mask

# Negative findings worth a flag in the row (short labels).
ROW_FLAGS = {
    "sensitive": ("Secret shared", "bad"),
    "follow_up": ("Awaiting customer", "warn"),
    "call_request": ("Call asked", "warn"),
    "doc_attachment": (".doc/.pdf", "warn"),
}
# On a solved or closed ticket the gap is still worth teaching, but nobody is waiting any more.
CLOSED_FLAGS = {"follow_up": ("Follow-up unanswered", "warn")}
STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(Priority.choices)


class Row(NamedTuple):
    pk: int
    zd_id: int
    url: str
    subject: str
    flags: list[tuple[str, str]]
    account_url: str
    account_name: str
    claim_unconfirmed: bool  # its org claims the account, unconfirmed (accounts.claims)
    requester: str
    status: str
    priority: str
    sla_label: str
    sla_class: str
    sla_title: str
    score: int | None
    score_class: str
    opened: str
    instance: str | None = None  # its instance's name where more than one is configured


def row_flag(code: str, status: str) -> tuple[str, str]:
    if status in (Status.SOLVED, Status.CLOSED) and code in CLOSED_FLAGS:
        return CLOSED_FLAGS[code]
    return ROW_FLAGS[code]


def score_class(score: int | float | None) -> str:
    if score is None:
        return ""
    if score >= 75:
        return "ok"
    return "warn" if score >= 50 else "bad"


def sla_badge(ticket: Ticket | Listed, now: dt.datetime) -> tuple[str, str, str]:
    """(label, badge class, title) of a ticket's first-reply SLA now, from the stored times."""
    state = sla.state_at(
        due_at=ticket.sla_due_at,
        replied_at=ticket.sla_replied_at,
        status=ticket.status,
        now=now,
        zendesk_state=ticket.sla_state,
    )
    if state == SlaState.DUE and ticket.sla_due_at is not None:
        return f"due in {sla.format_duration(ticket.sla_due_at - now)}", "info", "First reply due (time left)"
    if state == SlaState.MET:
        return "met", "ok", "First reply in time"
    if state == SlaState.BREACHED:
        return "breached", "bad", "First reply late or overdue"
    return "\u2014", "", "No first-reply SLA running"


SUBJECT_CHARS = 90


def short_subject(subject: str) -> str:
    """The masked subject cut to SUBJECT_CHARS characters (Truncator's rule: a text that short
    is returned as it is)."""
    return truncate_chars(mask(subject) or "(no subject)", SUBJECT_CHARS)


class Listed(NamedTuple):
    """A dashboard ticket as its row reads it: the columns `COLUMNS` names, in this order, with
    no model instance per ticket, account, organization and requester."""

    pk: int
    zd_id: int
    zd_instance: str
    subject: str
    status: str
    priority: str
    zd_created_at: dt.datetime | None
    sla_due_at: dt.datetime | None
    sla_replied_at: dt.datetime | None
    sla_state: str
    quality_score: int | None
    account_id: int | None
    account_name: str | None
    account_sf_id: str | None
    account_sold_to_email: str | None
    organization_id: int | None
    organization_name: str | None
    organization_domain_names: Any
    organization_account_id: int | None
    organization_link_confirmed_at: dt.datetime | None
    organization_link_confirmed_sf_id: str | None
    requester_id: int | None
    requester_name: str | None
    requester_email: str | None


# The queryset's names of Listed's fields, in order: `listed_queryset` selects these.
COLUMNS = (
    "id",
    "zd_id",
    "zd_instance",
    "subject",
    "status",
    "priority",
    "zd_created_at",
    "sla_due_at",
    "sla_replied_at",
    "sla_state",
    "quality_score",
    "account_id",
    "account__name",
    "account__sf_id",
    "account__sold_to_email",
    "organization_id",
    "organization__name",
    "organization__domain_names",
    "organization__account_id",
    "organization__link_confirmed_at",
    "organization__link_confirmed_sf_id",
    "requester_id",
    "requester__name",
    "requester__email",
)


class ListedIterable(ValuesListIterable):
    """A `values_list(*COLUMNS)` queryset's rows as `Listed` tuples (as `named=True` gives
    namedtuples): what a row, a test or a template reads by name."""

    def __iter__(self) -> Iterator[Listed]:  # type: ignore[override]
        return map(Listed._make, super().__iter__())


def listed_queryset(queryset: QuerySet[Ticket]) -> QuerySet[Any]:
    """`queryset`'s tickets as `Listed` tuples of `COLUMNS`."""
    rows = queryset.values_list(*COLUMNS)
    rows._iterable_class = ListedIterable
    return rows


def listed(ticket: Ticket) -> Listed:
    """A ticket model as a dashboard row reads it (the rows of a queryset of models)."""
    org, account, person = ticket.organization, ticket.account, ticket.requester
    return Listed(
        ticket.pk, ticket.zd_id, ticket.zd_instance, ticket.subject, ticket.status, ticket.priority,
        ticket.zd_created_at, ticket.sla_due_at, ticket.sla_replied_at, ticket.sla_state,
        ticket.quality_score,
        ticket.account_id,
        account.name if account else None,
        account.sf_id if account else None,
        account.sold_to_email if account else None,
        ticket.organization_id,
        org.name if org else None,
        org.domain_names if org else None,
        org.account_id if org else None,
        org.link_confirmed_at if org else None,
        org.link_confirmed_sf_id if org else None,
        ticket.requester_id,
        person.name if person else None,
        person.email if person else None,
    )  # fmt: skip


def flag_codes(tickets: list[Listed]) -> dict[int, set[str]]:
    """The row-flag findings of each ticket: one query of (ticket id, code) pairs, written in
    SQL (the same on every database: its shape changes only with the number of tickets)."""
    codes: dict[int, set[str]] = {}
    ids = [t.pk for t in tickets]
    flags = list(ROW_FLAGS)
    table = TicketGap._meta.db_table
    codes_in, ids_in = ", ".join(["%s"] * len(flags)), ", ".join(["%s"] * len(ids))
    sql = f"SELECT ticket_id, code FROM {table} WHERE code IN ({codes_in}) AND ticket_id IN ({ids_in})"  # noqa: S608 (placeholders only)
    with connections[router.db_for_read(TicketGap)].cursor() as cursor:
        cursor.execute(sql, [*flags, *ids])
        for ticket_id, code in cursor.fetchall():
            codes.setdefault(ticket_id, set()).add(code)
    return codes


@functools.lru_cache(maxsize=4096)
def _claim_unconfirmed(key: tuple[Any, ...]) -> bool:
    """`ticket_claim_unconfirmed` of an organization and account given by every field it reads
    (`_claim_key`): the same (org, account) pairs come back page after page."""
    (org_id, org_account_id, org_name, domains, confirmed_at, confirmed_sf_id) = key[:6]
    account_id, account_name, sf_id, sold_to_email = key[6:]
    org = SimpleNamespace(
        pk=org_id,
        account_id=org_account_id,
        name=org_name,
        domain_names=list(domains) if domains is not None else None,
        link_confirmed_at=confirmed_at,
        link_confirmed_sf_id=confirmed_sf_id,
    )
    account = SimpleNamespace(pk=account_id, name=account_name, sf_id=sf_id, sold_to_email=sold_to_email)
    return ticket_claim_unconfirmed(SimpleNamespace(organization=org, account=account))


def _claim_key(t: Listed) -> tuple[Any, ...]:
    names = t.organization_domain_names
    return (
        t.organization_id,
        t.organization_account_id,
        t.organization_name,
        tuple(str(d) for d in names) if isinstance(names, list) else None,
        t.organization_link_confirmed_at,
        t.organization_link_confirmed_sf_id,
        t.account_id,
        t.account_name,
        t.account_sf_id,
        t.account_sold_to_email,
    )


def _ticket_url(detail: str, t: Listed) -> str:
    return detail.format(t.zd_id) if t.zd_instance == GLOBAL else ticket_path(t.zd_id, t.zd_instance)


def dashboard_rows(tickets: Iterable[Listed | Ticket]) -> list[Row]:
    """The rows of a page of `ticket_dashboard` (`Listed` tuples; models are read as they are)."""
    now = timezone.now()
    detail = fast_reverse("tickets:detail", [0]).replace("/0/", "/{}/")
    account = fast_reverse("accounts:detail", [0]).replace("/0/", "/{}/")
    listed_ = [listed(t) if isinstance(t, Ticket) else t for t in tickets]
    found = flag_codes(listed_) if listed_ else {}
    names = instances.labels()  # {} with one instance: no column
    opened = when_writer()
    rows = []
    for t in listed_:
        claim = (
            t.organization_id is not None and t.account_id is not None and _claim_unconfirmed(_claim_key(t))
        )
        codes = found.get(t.pk, ())
        label, css, title = sla_badge(t, now)
        rows.append(
            Row(
                pk=t.pk,
                zd_id=t.zd_id,
                url=_ticket_url(detail, t),
                subject=short_subject(t.subject),
                flags=[row_flag(code, t.status) for code in ROW_FLAGS if code in codes],
                account_url=account.format(t.account_id) if t.account_id else "",
                account_name=(t.account_name or "") if t.account_id else "",
                claim_unconfirmed=claim,
                requester=(t.requester_name or t.requester_email or DELETED_PERSON)
                if t.requester_id is not None
                else "\u2014",
                status=STATUS_LABELS.get(t.status, t.status),
                priority=PRIORITY_LABELS.get(t.priority, "\u2014"),
                sla_label=label,
                sla_class=css,
                sla_title=title,
                score=t.quality_score,
                score_class=score_class(t.quality_score),
                opened=opened(t.zd_created_at),
                instance=instances.label(names, t.zd_instance) if names else None,
            )
        )
    return rows


# A constant with no double quote: written as it is.
CLAIM_BADGE_TITLE = (
    "The ticket's Zendesk organization carries this account's Salesforce ID, but its name and "
    "domains do not match the account's and nobody has confirmed it"
)


def _account_cell(row: Row) -> str:
    if not row.account_url:
        return '<span class="badge warn">unlinked</span>'
    url = escape(row.account_url)
    link = f'<a href="{url}">{escape(row.account_name)}</a>'
    if not row.claim_unconfirmed:
        return link
    return (
        f'{link} <a class="badge warn" href="{url}#claims" title="{CLAIM_BADGE_TITLE}">'
        "other organization, not confirmed</a>"
    )


def _row_html(row: Row) -> str:
    url = escape(row.url)
    flags = "".join(f' <span class="badge {escape(css)}">{escape(label)}</span>' for label, css in row.flags)
    if row.score is None:
        score = '<span class="muted small">\u2014</span>'
    else:
        score = f'<span class="badge {escape(row.score_class)}">{escape(row.score)}</span>'
    return (
        "<tr>"
        f'<td class="mono" data-label="Ticket"><a href="{url}">{escape(row.zd_id)}</a></td>'
        f"{_instance_cell(row.instance)}"
        f'<td class="subject card-title" data-label="Subject">'
        f'<a href="{url}">{escape(row.subject)}</a>{flags}</td>'
        f'<td data-label="Account">{_account_cell(row)}</td>'
        f'<td data-label="Requester">{escape(row.requester)}</td>'
        f'<td class="status" data-label="Status"><span class="badge">{escape(row.status)}</span></td>'
        f'<td data-label="Priority">{escape(row.priority)}</td>'
        f'<td class="nowrap sla" data-label="SLA"><span class="badge {escape(row.sla_class)}" '
        f'title="{escape(row.sla_title)}">{escape(row.sla_label)}</span></td>'
        f'<td class="num score" data-label="Score">{score}</td>'
        f'<td class="nowrap" data-label="Opened">{escape(row.opened)}</td>'
        "</tr>\n"
    )


def _instance_cell(name: str | None) -> str:
    return "" if name is None else f'<td class="nowrap" data-label="Instance">{escape(name)}</td>'


def rows_html(rows: Iterable[Row]) -> SafeString:
    """The table's <tr>s. Every value is escaped as a template escapes it (`escape` is
    Django's own: html.escape with quotes), customer-written subjects and names included."""
    return mark_safe("".join(_row_html(row) for row in rows))  # noqa: S308 (each value escaped)
