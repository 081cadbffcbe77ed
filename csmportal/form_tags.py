"""`{% filter_field field %}`: a list's filter field (label, widget, errors) written in Python.

The same HTML as the `_filter_field.html` include, without an include per field, an error list
rendered through templates when there is no error (a portfolio has nine filters), or the three
templates of a plain text input (the search box; selects are `FastSelect`s already). A template
builtin (settings.TEMPLATES)."""

from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
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
        text_input(field) if type(field.field.widget) is forms.TextInput else field,
        errors if errors else "",
    )


def text_input(field: Any) -> SafeString:
    """A bound field's plain text input, as Django's input.html and attrs.html write it."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    final = widget.build_attrs(widget.attrs, attrs)
    value = widget.format_value(field.value())
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        field.html_name,
        "" if value is None else format_html(' value="{}"', value),
        format_html_join(
            "",
            " {}{}",
            ((k, "" if v is True else format_html('="{}"', v)) for k, v in final.items() if v is not False),
        ),
    )
