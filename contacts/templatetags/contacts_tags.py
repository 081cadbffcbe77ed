"""Presentation helpers of the contacts page."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from .. import rows_html

register = template.Library()


@register.simple_tag
def people_table_rows(people: Any) -> SafeString:
    """The people table's <tr>s, written in Python (see contacts.rows_html)."""
    return rows_html.people_rows_html(people)
