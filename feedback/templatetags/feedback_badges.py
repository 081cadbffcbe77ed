"""The feedback badges (sentiment, status, first response due), rendered in Python: the queue
shows three per row, and an `{% include %}` per badge cost more than the rest of the row."""

from typing import Any

from django import template
from django.template.defaultfilters import timesince_filter, timeuntil_filter
from django.utils.safestring import SafeString, mark_safe

from csmportal.dates import day, when_zone
from csmportal.fast_html import format_row

from .feedback_tags import plain_due

register = template.Library()

SENTIMENT_CLASS = {"negative": "bad", "positive": "ok"}
STATUS_CLASS = {"new": "info", "triaged": "warn", "actioned": "ok"}
NO_DUE = mark_safe('<span class="muted">—</span>')


@register.simple_tag
def sentiment_badge(sentiment: str, label: str) -> SafeString:
    return format_row('<span class="badge {}">{}</span>', SENTIMENT_CLASS.get(sentiment, ""), label)


@register.simple_tag
def status_badge(status: str, label: str) -> SafeString:
    return format_row('<span class="badge fb-status {}">{}</span>', STATUS_CLASS.get(status, ""), label)


@register.simple_tag
def due_badge(item: Any) -> SafeString:
    """Overdue / due soon / due / answered / a dash, as the item stands now; the due date in plain
    calendar words ("Tuesday 8 Dec, 17:00 London"), other dates in the portal's one format."""
    due, answered = item.first_response_due_at, item.first_responded_at
    if item.awaiting_first_response and due:
        long = plain_due(due)
        if item.is_overdue:
            text = '<span class="badge bad" title="First response was due {}">Overdue by {}</span>'
            return format_row(text, long, timesince_filter(due))
        if item.is_due_soon:
            text = '<span class="badge warn" title="First response due {}">Due in {}</span>'
            return format_row(text, long, timeuntil_filter(due))
        return format_row('<span class="small">due {}</span>', long)
    if answered:
        text = '<span class="small muted" title="First response {}">answered {}</span>'
        return format_row(text, when_zone(answered), day(answered))
    return NO_DUE
