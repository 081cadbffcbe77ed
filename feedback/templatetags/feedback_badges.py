"""The feedback badges (sentiment, status, first response due), rendered in Python: the queue
shows three per row, and an `{% include %}` per badge cost more than the rest of the row."""

from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import timesince_filter, timeuntil_filter
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

register = template.Library()

SENTIMENT_CLASS = {"negative": "bad", "positive": "ok"}
STATUS_CLASS = {"new": "info", "triaged": "warn", "actioned": "ok"}
LONG = "D j M, H:i T"


@register.simple_tag
def sentiment_badge(sentiment: str, label: str) -> SafeString:
    return format_html('<span class="badge {}">{}</span>', SENTIMENT_CLASS.get(sentiment, ""), label)


@register.simple_tag
def status_badge(status: str, label: str) -> SafeString:
    return format_html('<span class="badge fb-status {}">{}</span>', STATUS_CLASS.get(status, ""), label)


@register.simple_tag
def due_badge(item: Any) -> SafeString:
    """Overdue / due soon / due / answered / a dash, as the item stands now."""
    due, answered = item.first_response_due_at, item.first_responded_at
    if item.awaiting_first_response and due:
        long = date_filter(localtime(due), LONG)
        if item.is_overdue:
            text = '<span class="badge bad" title="First response was due {}">Overdue by {}</span>'
            return format_html(text, long, timesince_filter(due))
        if item.is_due_soon:
            text = '<span class="badge warn" title="First response due {}">Due in {}</span>'
            return format_html(text, long, timeuntil_filter(due))
        text = '<span class="small" title="First response due {}">due {}</span>'
        return format_html(text, long, date_filter(localtime(due), "D j M, H:i"))
    if answered:
        text = '<span class="small muted" title="First response {}">answered {}</span>'
        answered = localtime(answered)
        return format_html(text, date_filter(answered, LONG), date_filter(answered, "j M"))
    return format_html('<span class="muted">{}</span>', "—")
