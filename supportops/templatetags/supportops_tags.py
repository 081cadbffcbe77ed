"""The queue's rows, rendered in Python (see supportops.rows)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from supportops import rows

register = template.Library()


@register.simple_tag(takes_context=True)
def request_rows(context: Any, items: Any, is_ops: bool, query: str) -> SafeString:
    html = rows.request_rows_html(items, is_ops=is_ops, csrf_token=context.get("csrf_token"), query=query)
    return mark_safe(html)  # noqa: S308 (every value escaped by request_rows_html)
