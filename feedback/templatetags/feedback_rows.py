"""The feedback lists' rows as one tag each (feedback.rows renders them in Python)."""

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString

from .. import rows

register = template.Library()


@register.simple_tag
def queue_rows(items: Any, manager: bool) -> SafeString:
    return rows.queue_rows(items, manager=bool(manager))


@register.simple_tag(takes_context=True)
def rating_rows(context: Any, ratings: Any) -> SafeString:
    request = context["request"]
    can_forward = bool(context.get("can_forward"))
    return rows.rating_rows(
        ratings,
        can_forward=can_forward,
        csrf_token=get_token(request) if can_forward else "",
        next_url=request.get_full_path(),
    )


@register.simple_tag
def cadence_feedback_rows(items: Any) -> SafeString:
    return rows.cadence_feedback_rows(items)


@register.simple_tag
def cadence_rating_items(ratings: Any) -> SafeString:
    return rows.cadence_rating_items(ratings)
