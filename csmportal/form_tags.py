"""`{% filter_field field %}`: a list's filter field (label, widget, errors) rendered in Python.

The same HTML as `_filter_field.html`, without a template include per field, and without
rendering an empty error list through its template (a list page has up to ten fields)."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def filter_field(field: Any, grow: bool = False) -> SafeString:
    errors = field.errors
    return format_html(
        '<div class="field{}">\n  <label for="{}">{}</label>\n  {}\n  {}\n</div>',
        " grow" if grow else "",
        field.id_for_label,
        field.label,
        field,
        errors if errors else "",
    )
