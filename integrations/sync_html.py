"""The sync page's table written in Python: every stream's row (status, freshness, counts, its
"sync now" form) and its last runs, a row each with five counts, through the template engine
cost more than the rest of the page (a filter per cell, `intcomma` localising each number, a
dozen property lookups per stream). Every value is escaped as the template escaped it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
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


RUNS_HEAD = (
    '<thead><tr><th>Started</th><th>Trigger</th><th>Status</th><th class="num">Pages</th>'
    '<th class="num">Fetched</th><th class="num">Created</th><th class="num">Updated</th>'
    '<th class="num">Deleted</th><th class="num">Seconds</th><th>Error</th></tr></thead>'
)
UNRESPONSIVE = (
    '<span class="badge bad">Not responding</span> <div class="small muted">The worker running it '
    "stopped; the next run carries on from its last saved page.</div>"
)


def stream_rows(streams: Iterable[Any], *, can_trigger: bool, csrf_input: str) -> SafeString:
    """The `<tr>`s of one group of the sync page's streams (`StreamStatus`es): each stream's row,
    its last error (unless it runs) and its last runs. `csrf_input`: the `{% csrf_token %}`
    input of the page, written in each "sync now" form."""
    colspan = "9" if can_trigger else "8"
    action = escape(reverse("integrations:sync_now"))
    out = []
    for s in streams:
        stream, label = escape(s.stream), escape(s.label)
        running, last = s.running, s.last_run
        run = running or last
        counts = "".join(
            f'<td class="num">{DASH if run is None else escape(count(n))}</td>'
            for n in ((run.fetched, run.created, run.updated, run.deleted) if run else (0, 0, 0, 0))
        )
        row = (
            f'<tr id="stream-{escape(slugify(s.stream))}" data-stream="{stream}">'
            f'<td><strong>{label}</strong> <div class="small muted mono">{stream}</div></td>'
            f'<td class="status">{_status(s, running, last, label)}</td>'
            f'<td class="nowrap">{_freshness(s)}</td>{counts}'
            f'<td class="num">{escape(count(s.mirrored))}</td>'
        )
        if can_trigger:
            disabled = " disabled" if running and not s.unresponsive else ""
            row += (
                f'<td><form method="post" action="{action}">{csrf_input}'
                f'<input type="hidden" name="stream" value="{stream}">'
                f'<button class="btn secondary small" type="submit" aria-label="Sync {label} now"{disabled}>'
                "Sync now</button></form></td>"
            )
        out.append(row + "</tr>\n")
        if s.last_error and not running:
            out.append(
                f'<tr class="sync-error"><td colspan="{colspan}"><span class="badge bad">Last error</span> '
                f'<span class="small">{escape(truncate_chars(s.last_error, 300))}</span></td></tr>\n'
            )
        if s.runs:
            shown = len(s.runs)
            out.append(
                f'<tr class="sync-runs"><td colspan="{colspan}"><details>'
                f'<summary class="small">Last {shown} run{"" if shown == 1 else "s"}</summary>'
                f'<table class="runs">{RUNS_HEAD}<tbody>\n{run_rows(s.runs)}</tbody></table>'
                "</details></td></tr>\n"
            )
    return mark_safe("".join(out))  # noqa: S308 - every value above went through escape


def _status(s: Any, running: Any, last: Any, label: str) -> str:
    """The status cell: running (with its progress), queued, never synced, or the last run's
    outcome."""
    if running:
        if s.unresponsive:
            return UNRESPONSIVE
        return '<span class="badge info">Running</span> ' + _progress(s, running, label)
    if s.queued:
        asked = escape(naturaltime(s.state.requested_at))
        return f'<span class="badge info">Queued</span> <div class="small muted">asked {asked}</div>'
    if not last:
        return '<span class="badge warn">Never synced</span>'
    if last.status == "succeeded":
        took = "" if last.seconds is None else f", in {escape(floatformat(last.seconds, 1))} s"
        return (
            '<span class="badge ok">Succeeded</span> '
            f'<div class="small muted">{escape(naturaltime(last.finished_at))}{took}</div>'
        )
    if last.status == "rate_limited":
        resumes = f"resumes {escape(naturaltime(last.resume_at))}" if last.resume_at else "resumes shortly"
        return (
            '<span class="badge warn">Rate limited</span> '
            f'<div class="small muted">{resumes}; progress is kept</div>'
        )
    return (
        f'<span class="badge bad">{escape(last.get_status_display())}</span> '
        f'<div class="small muted">{escape(naturaltime(last.finished_at))}</div>'
    )


def _progress(s: Any, run: Any, label: str) -> str:
    """A running sync's progress bar, its counts so far and its estimate."""
    percent = s.percent
    if percent is None:
        bar = f'<div class="sync-progress" role="progressbar" aria-label="{label} progress" >'
        bar += '<div class="sync-progress-bar indeterminate"></div></div>'
    else:
        p = escape(percent)
        bar = (
            f'<div class="sync-progress" role="progressbar" aria-label="{label} progress" '
            f'aria-valuemin="0" aria-valuemax="100" aria-valuenow="{p}">'
            f'<div class="sync-progress-bar" data-percent="{p}"></div></div>'
        )
    text = escape(count(run.fetched))
    if run.expected:
        text += f" of {escape(count(run.expected))}"
    text += f" records, {escape(count(run.pages))} page{'' if run.pages == 1 else 's'}"
    rate = s.rate
    if rate:
        text += f", {escape(count(floatformat(rate, 0)))}/s"
    if run.position_at:
        text += f"; reached changes of {escape(when(run.position_at))}"
    estimate = s.estimate
    more = f'<div class="small sync-estimate">{escape(estimate)}</div>' if estimate else ""
    return f'{bar}<div class="small muted">{text}</div>{more}'


def _freshness(s: Any) -> str:
    """The "data as of" cell: how long ago the portal's copy was synced through, and the newest
    change it has."""
    if s.lag is None:
        return '<span class="badge warn">never</span>'
    stale = ' class="badge warn" title="Behind by more than three sync intervals"' if s.stale else ""
    html = f"<span{stale}>{escape(naturaltime(s.state.synced_through))}</span>"
    if s.state.watermark:
        html += (
            ' <div class="small muted" title="The newest change the portal has from the source">'
            f"newest change {escape(when(s.state.watermark))}</div>"
        )
    return html
