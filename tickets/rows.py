"""The dashboard's rows, prepared in Python: one small object per ticket with its text, links
and badges ready to print, and rendered by `rows_html` with `format_html` (escaped as a template
would): 50 rows a page through the template engine cost more than the page's SQL. The flags
come from one query of (ticket, code) pairs, not a TicketGap instance per finding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.claims import ticket_claim_unconfirmed
from csmportal import instances
from csmportal.dates import when
from csmportal.fast_html import escape, truncate_chars
from csmportal.instances import GLOBAL

from . import sla
from .models import Priority, SlaState, Status, Ticket, TicketGap
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


@dataclass(frozen=True)
class Row:
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


def sla_badge(ticket: Ticket, now: dt.datetime) -> tuple[str, str, str]:
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


def flag_codes(tickets: list[Ticket]) -> dict[int, set[str]]:
    """The row-flag findings of each ticket: one query of (ticket id, code) pairs."""
    codes: dict[int, set[str]] = {}
    pairs = TicketGap.objects.filter(ticket_id__in=[t.pk for t in tickets], code__in=list(ROW_FLAGS))
    for ticket_id, code in pairs.values_list("ticket_id", "code"):
        codes.setdefault(ticket_id, set()).add(code)
    return codes


def dashboard_rows(tickets: Iterable[Ticket]) -> list[Row]:
    now = timezone.now()
    detail = reverse("tickets:detail", args=[0]).replace("/0/", "/{}/")
    account = reverse("accounts:detail", args=[0]).replace("/0/", "/{}/")
    tickets = list(tickets)
    found = flag_codes(tickets) if tickets else {}
    claims: dict[tuple[int | None, int | None], bool] = {}  # per (org, account): rows share them
    names = instances.labels()  # {} with one instance: no column
    rows = []
    for t in tickets:
        link = (t.organization_id, t.account_id)
        if link not in claims:
            claims[link] = ticket_claim_unconfirmed(t)
        codes = found.get(t.pk, set())
        label, css, title = sla_badge(t, now)
        rows.append(
            Row(
                pk=t.pk,
                zd_id=t.zd_id,
                url=detail.format(t.zd_id) if t.zd_instance == GLOBAL else t.get_absolute_url(),
                subject=short_subject(t.subject),
                flags=[row_flag(code, t.status) for code in ROW_FLAGS if code in codes],
                account_url=account.format(t.account_id) if t.account_id else "",
                account_name=t.account.name if t.account else "",
                claim_unconfirmed=claims[link],
                requester=str(t.requester) if t.requester else "\u2014",
                status=STATUS_LABELS.get(t.status, t.status),
                priority=PRIORITY_LABELS.get(t.priority, "\u2014"),
                sla_label=label,
                sla_class=css,
                sla_title=title,
                score=t.quality_score,
                score_class=score_class(t.quality_score),
                opened=when(t.zd_created_at),
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
