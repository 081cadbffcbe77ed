"""The dashboard's CSV export: the filtered tickets, one row each, secrets masked."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.claims import ticket_claim_unconfirmed
from csmportal.instances import label, labels

from . import sla
from .models import SlaState, Ticket
from .review import CHECKS, mask

HEADER = (
    "Ticket",
    "Subject",
    "Account",
    "Zendesk organization",
    "Other organization, not confirmed",  # its org claims the account unconfirmed (accounts.claims)
    "CSM",
    "Requester",
    "Requester email",
    "Status",
    "Priority",
    "Preferred region",
    "Opened",
    "Updated",
    "SLA",
    "First reply due",
    "First reply",
    "Score",
    "Findings",
    "Zendesk",
    "Portal",
)


def export_header() -> tuple[str, ...]:
    """The columns; "Instance" after the ticket's number where more than one is configured."""
    return (HEADER[0], "Instance", *HEADER[1:]) if labels() else HEADER


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_rows(request: HttpRequest, tickets: QuerySet[Ticket]) -> Iterator[list[Any]]:
    """Rows streamed in chunks (gap rows prefetched per chunk), dates in the user's time zone."""
    now = timezone.now()
    portal = settings.SITE_URL
    names = labels()  # {} with one instance: no column
    for t in tickets.prefetch_related("gaps").iterator(chunk_size=2000):
        state = sla.state_at(
            due_at=t.sla_due_at,
            replied_at=t.sla_replied_at,
            status=t.status,
            now=now,
            zendesk_state=t.sla_state,
        )
        findings = "; ".join(CHECKS[g.code].gap for g in t.gaps.all() if g.code in CHECKS)
        yield [
            t.zd_id,
            *([label(names, t.zd_instance)] if names else []),
            mask(t.subject),
            t.account.name if t.account else "",
            t.organization.name if t.organization else "",
            "yes" if ticket_claim_unconfirmed(t) else "",
            str(t.account.csm) if t.account and t.account.csm else "",
            t.requester.name if t.requester else "",
            t.requester.email if t.requester else "",
            t.get_status_display(),
            t.get_priority_display(),
            t.get_preferred_region_display(),
            _when(t.zd_created_at),
            _when(t.zd_updated_at),
            SlaState(state).label if state else "No SLA",
            _when(t.sla_due_at),
            _when(t.sla_replied_at),
            "" if t.quality_score is None else t.quality_score,
            findings,
            t.agent_url,
            f"{portal}{t.get_absolute_url()}",
        ]
