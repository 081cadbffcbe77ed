"""Template helpers of the tickets pages: masked text, score and SLA badges, gap labels."""

from typing import Any

from django import template
from django.utils import timezone

from tickets import sla
from tickets.models import SlaState
from tickets.review import CHECKS, mask

register = template.Library()

# Negative findings worth a flag in the dashboard row (short labels).
ROW_FLAGS = {
    "sensitive": ("Secret shared", "bad"),
    "follow_up": ("Awaiting customer", "warn"),
    "call_request": ("Call asked", "warn"),
    "doc_attachment": (".doc/.pdf", "warn"),
}


@register.filter
def mask_secrets(value: Any) -> str:
    """Customer-written text with passwords, keys and tokens masked (still auto-escaped)."""
    return mask(str(value or ""))


@register.filter
def score_class(score: int | None) -> str:
    if score is None:
        return ""
    if score >= 75:
        return "ok"
    return "warn" if score >= 50 else "bad"


@register.filter
def check_title(code: str) -> str:
    info = CHECKS.get(code)
    return info.title if info else code


@register.filter
def check_info(code: str) -> Any:
    return CHECKS.get(code)


@register.simple_tag
def row_flags(ticket: Any) -> list[tuple[str, str]]:
    """The flags of a dashboard row, from its prefetched gap rows (no query)."""
    codes = {gap.code for gap in ticket.gaps.all()}
    return [ROW_FLAGS[code] for code in ROW_FLAGS if code in codes]


@register.simple_tag
def sla_badge(ticket: Any) -> dict[str, str]:
    """{"label", "class", "title"} of a ticket's first-reply SLA now (from the stored times)."""
    now = timezone.now()
    state = sla.state_at(
        due_at=ticket.sla_due_at, replied_at=ticket.sla_replied_at, status=ticket.status, now=now
    )
    if state == SlaState.NONE:
        return {"label": "\u2014", "class": "", "title": "No first-reply SLA running"}
    if state == SlaState.DUE:
        left = sla.format_duration(ticket.sla_due_at - now)
        return {"label": f"due in {left}", "class": "info", "title": "First reply due (wall-clock time left)"}
    if state == SlaState.MET:
        return {"label": "met", "class": "ok", "title": "First reply in time"}
    return {"label": "breached", "class": "bad", "title": "First reply late or overdue"}
