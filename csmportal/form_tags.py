"""`{% filter_field field %}`: a list's filter field (label, widget, errors) written in Python.

The same HTML as the `_filter_field.html` include, without an include per field and an error
list rendered through templates when there is no error (a portfolio has nine filters). A
template builtin (settings.TEMPLATES)."""

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
