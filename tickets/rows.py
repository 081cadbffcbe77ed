"""The dashboard's rows, prepared in Python: one small object per ticket with its text, links
and badges ready to print, so the template does little work per row (50 rows a page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from accounts.claims import ticket_claim_unconfirmed
from csmportal.dates import when
from csmportal.instances import GLOBAL

from . import sla
from .models import Priority, SlaState, Status, Ticket
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


def dashboard_rows(tickets: Iterable[Ticket]) -> list[Row]:
    now = timezone.now()
    detail = reverse("tickets:detail", args=[0]).replace("/0/", "/{}/")
    detail_in = detail + "?instance={}"  # another instance's ticket (the same number can be each's)
    account = reverse("accounts:detail", args=[0]).replace("/0/", "/{}/")
    rows = []
    for t in tickets:
        codes = {gap.code for gap in t.gaps.all()}
        label, css, title = sla_badge(t, now)
        rows.append(
            Row(
                pk=t.pk,
                zd_id=t.zd_id,
                url=detail.format(t.zd_id)
                if t.zd_instance == GLOBAL
                else detail_in.format(t.zd_id, t.zd_instance),
                subject=Truncator(mask(t.subject) or "(no subject)").chars(90),
                flags=[row_flag(code, t.status) for code in ROW_FLAGS if code in codes],
                account_url=account.format(t.account_id) if t.account_id else "",
                account_name=t.account.name if t.account else "",
                claim_unconfirmed=ticket_claim_unconfirmed(t),
                requester=str(t.requester) if t.requester else "\u2014",
                status=STATUS_LABELS.get(t.status, t.status),
                priority=PRIORITY_LABELS.get(t.priority, "\u2014"),
                sla_label=label,
                sla_class=css,
                sla_title=title,
                score=t.quality_score,
                score_class=score_class(t.quality_score),
                opened=when(t.zd_created_at),
            )
        )
    return rows
