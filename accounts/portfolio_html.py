"""The portfolio's table rows written in Python: the same HTML the row template wrote, without
the template engine's work per cell (fifty rows of ten cells cost more than the rest of the
page). Every text from the data is escaped (`escape`), as a template would."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from csmportal.dates import day
from csmportal.fast_html import escape
from tickets.links import open_tickets_url

from .findings import Problem
from .portfolio import PortfolioRow

DASH = "\u2014"
_LEVEL: dict[str, str] = {Problem.NO_ORG: "bad", Problem.SF_ID: "bad"}
PROBLEM_BADGES = {code: (_LEVEL.get(code, "warn"), str(label)) for code, label in Problem.choices}
_MARK = 987654321  # an account id no row has: the links' shape, filled in per row


@functools.lru_cache(maxsize=4096)
def _day(value: dt.date, language: str | None) -> str:
    """`day` of a date (not a time: no time zone), escaped; the same date prints the same."""
    return escape(day(value))


@functools.lru_cache(maxsize=4096)
def _intcomma(value: Any, language: str | None) -> str:
    return escape(intcomma(value))


def problem_badges(codes: Iterable[str]) -> list[tuple[str, str]]:
    """[(badge class, label)] of problem codes."""
    return [PROBLEM_BADGES[code] for code in codes]


def _renewal_cell(renewal: dt.date | None, today: dt.date) -> str:
    if renewal is None:
        return DASH
    days = (renewal - today).days
    badge = ""
    if days < 0:
        badge = ' <span class="badge bad">overdue</span>'
    elif days <= 90:
        badge = f' <span class="badge warn">in {days} day{"" if days == 1 else "s"}</span>'
    return _day(renewal, get_language()) + badge


def _progress_cell(row: PortfolioRow) -> str:
    if not row.steps_total:
        return '<span class="muted small">not started</span>'
    done, total = row.steps_done, row.steps_total
    return (
        f'<progress class="acc-progress" value="{done}" max="{total}" aria-label="Onboarding progress">'
        f'{row.progress}%</progress> <span class="small">{done}/{total}</span>'
    )


def _ratings_cell(row: PortfolioRow) -> str:
    if not (row.ratings_good or row.ratings_bad):
        return '<span class="muted small">none</span>'
    cell = f'<span class="badge ok" title="Good ratings">{row.ratings_good} good</span> '
    if row.ratings_bad:
        cell += f'<span class="badge bad" title="Bad ratings">{row.ratings_bad} bad</span>'
    return cell


def _problems_cell(row: PortfolioRow) -> str:
    badges = problem_badges(row.problems)
    if not badges:
        return '<span class="muted small">none</span>'
    return "".join(f'<span class="badge {level}">{escape(label)}</span> ' for level, label in badges)


def rows_html(rows: Iterable[PortfolioRow], mapped: Mapping[str, Any]) -> SafeString:
    """The table's <tr>s; `mapped`: which account fields are mapped (their columns show)."""
    shown = mapped.get("account", {}) if mapped else {}
    detail = reverse("accounts:detail", args=[_MARK]).split(str(_MARK))
    tickets = [escape(part) for part in open_tickets_url(account=_MARK).split(str(_MARK))]
    today = timezone.localdate()
    html = []
    for row in rows:
        restricted = (
            ' <span class="badge warn" title="Restricted account">restricted</span>' if row.restricted else ""
        )
        cells = [
            f'<td><a href="{detail[0]}{row.pk}{detail[1]}">{escape(row.name)}</a>{restricted}</td>',
            f"<td>{escape(row.csm or DASH)}</td>",
        ]
        if shown.get("support_level"):
            cells.append(f"<td>{escape(row.get_support_level_display() or DASH)}</td>")
        if shown.get("region"):
            cells.append(f"<td>{escape(row.region or DASH)}</td>")
        if shown.get("seats"):
            cells.append(f'<td class="num">{_intcomma(row.seats, get_language())}</td>')
        if shown.get("renewal_date"):
            cells.append(f'<td class="nowrap">{_renewal_cell(row.renewal_date, today)}</td>')
        cells += [
            f'<td class="nowrap">{_progress_cell(row)}</td>',
            f'<td class="num"><a href="{tickets[0]}{row.pk}{tickets[1]}">{row.open_tickets}</a></td>',
            f'<td class="nowrap">{_ratings_cell(row)}</td>',
            f"<td>{_problems_cell(row)}</td>",
        ]
        html.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(html))  # noqa: S308 (every value above is escaped or a number)
