"""The sync page's run history written in Python: every stream's last runs, a row each with
five counts, through the template engine cost more than the rest of the page (a filter per
cell, `intcomma` localising each number). Every value is escaped as the template escaped it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from csmportal.dates import when
from csmportal.fast_html import escape, truncate_chars

DASH = "\u2014"


@lru_cache(maxsize=16)
def _comma_grouped(language: str | None) -> bool:
    """Whether the language writes 1234567 as "1,234,567" (what `f"{n:,}"` writes)."""
    return (
        get_format("THOUSAND_SEPARATOR", language) == ","
        and get_format("NUMBER_GROUPING", language) == 3
        and get_format("DECIMAL_SEPARATOR", language) == "."
    )


def count(value: Any) -> str:
    """`|intcomma`: an int in a language grouping by commas written by Python, anything else by
    Django's filter."""
    if type(value) is int and _comma_grouped(get_language()):
        return f"{value:,}"
    return str(intcomma(value))


def run_rows(runs: Iterable[Any]) -> SafeString:
    """The `<tr>`s of a stream's "Last N runs" table."""
    out = []
    for run in runs:
        trigger = escape(run.trigger or DASH)
        if run.full:
            trigger += " (full)"
        if run.triggered_by:
            trigger += f" by {escape(run.triggered_by)}"
        seconds = DASH if run.seconds is None else escape(floatformat(run.seconds, 1))
        numbers = "".join(
            f'<td class="num">{escape(count(n))}</td>'
            for n in (run.pages, run.fetched, run.created, run.updated, run.deleted)
        )
        out.append(
            f'<tr><td class="nowrap">{escape(when(run.started_at))}</td><td>{trigger}</td>'
            f"<td>{escape(run.get_status_display())}</td>{numbers}"
            f'<td class="num">{seconds}</td>'
            f'<td class="small">{escape(truncate_chars(run.error or "", 160))}</td></tr>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above went through escape
