"""Small presentation helpers for the accounts pages."""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from ..findings import Problem, problems_of

register = template.Library()

_LEVEL = {Problem.NO_ORG: "bad", Problem.SF_ID: "bad"}


@register.filter
def problem_badges(account: Any) -> list[tuple[str, str]]:
    """[(badge class, label)] for the problems flagged on an annotated portfolio row."""
    return [(_LEVEL.get(Problem(code), "warn"), Problem(code).label) for code in problems_of(account)]


@register.filter
def days_until(value: dt.date | None) -> int | None:
    if value is None:
        return None
    return (value - timezone.localdate()).days


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
