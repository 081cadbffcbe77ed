"""A select rendered in Python: the same HTML as Django's Select, without a template per option.

Lists of a few hundred options (CSMs, accounts, time zones) rendered through Django's widget
templates cost more than the page's SQL (two templates per option). `FastSelect` renders them
with `format_html` (escaped like any template). Given an `options_key` (a name for the list and
its version, e.g. "time-zones" or ("accounts", <count>, <last change>)), the options' HTML is
rendered once per key and process, and each render only marks the chosen option: a key that
changes when the data does keeps it right. Without one, the choices themselves (read once, as
rendering reads them) are the key: the same options render once, a changed list at once.
Groups of choices render as <optgroup>s."""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .fast_html import format_row

_rendered: OrderedDict[Hashable, str] = OrderedDict()
CACHED_LISTS = 64  # distinct (list, version) keys kept per process
_lock = threading.Lock()  # gunicorn threads share the process


class FastSelect(forms.Select):
    options_key: Hashable | None = None

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = (), options_key: Hashable = None):
        super().__init__(attrs, choices)
        self.options_key = options_key

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs or {})
        options = self.options_html()
        for chosen in set(self.format_value(value)):  # as Select: None chooses the empty option
            tag = format_html('<option value="{}">', chosen)
            options = options.replace(tag, tag[:-1] + " selected>", 1)
        # As Django's select.html and attrs.html: the name first, then the attributes in order.
        attributes = format_html_join(
            "",
            " {}{}",
            ((k, "" if v is True else format_html('="{}"', v)) for k, v in final.items() if v is not False),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attributes, mark_safe(options))  # noqa: S308

    def options_html(self) -> str:
        if self.options_key is not None:  # the choices are not even read when it is known
            cached = _cached(self.options_key)
            if cached is not None:
                return cached
        choices = list(self.choices)  # read once (a query's choices, one query), as rendering would
        key = self.options_key if self.options_key is not None else ("choices", _frozen(choices))
        html = _cached(key)
        if html is None:
            html = "".join(self._options(choices))
            with _lock:
                _rendered[key] = html
                while len(_rendered) > CACHED_LISTS:
                    _rendered.popitem(last=False)
        return html

    @staticmethod
    def _options(choices: Any) -> list[str]:
        """Each option, and each group (a label with its own choices) as an <optgroup>."""
        parts: list[str] = []
        for value, label in choices:
            if isinstance(label, list | tuple):
                inner = mark_safe("".join(FastSelect._options(label)))  # noqa: S308 (escaped below)
                parts.append(format_row('<optgroup label="{}">{}</optgroup>', value, inner))
            else:
                parts.append(
                    format_row('<option value="{}">{}</option>', "" if value is None else value, label)
                )
        return parts


def _cached(key: Hashable) -> str | None:
    with _lock:
        if key in _rendered:
            _rendered.move_to_end(key)
            return _rendered[key]
    return None


def _frozen(choices: Any) -> Hashable:
    """The choices as a hashable key: each value and label as the option writes it (None is
    the empty value; safe text is written as it is, so it is told from the same plain text),
    groups nested."""
    return tuple(
        (
            "" if value is None else str(value),
            hasattr(value, "__html__"),
            _frozen(label) if isinstance(label, list | tuple) else str(label),
            hasattr(label, "__html__"),
        )
        for value, label in choices
    )
