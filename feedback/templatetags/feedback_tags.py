"""Feedback's template filters."""

import datetime as dt

from django import template
from django.utils import timezone

from ..deadlines import plain_due as _plain_due

register = template.Library()


@register.filter
def plain_due(value: dt.datetime | None) -> str:
    """A due date in plain calendar words on the viewer's clock, the zone named."""
    if value is None:
        return ""
    return _plain_due(value, timezone.get_current_timezone())
