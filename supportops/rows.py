"""The queue's rows rendered in Python: the same HTML the list template wrote per request,
every value escaped (`csmportal.fast_html`), links from routes reversed once per page."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils.timesince import timesince

from csmportal.dates import day, when
from csmportal.fast_html import escape, truncate_chars
from csmportal.instances import label, labels

from .models import RequestKind, RequestStatus

# The status badge's class (as supportops/_status_badge.html).
STATUS_CLASS: dict[str, str] = {
    RequestStatus.VERIFIED: " ok",
    RequestStatus.FLAGGED: " bad",
    RequestStatus.DONE: " warn",
    RequestStatus.OPEN: " info",
    RequestStatus.CLAIMED: " info",
}
CLAIMABLE = (RequestStatus.OPEN, RequestStatus.FLAGGED)
DASH = "\u2014"
# The columns a row reads (`queryset.values(*REQUEST_ROW_VALUES)`, made rows by `queue_rows`):
# the requests with their account, organization and people took longer to load, every column
# of four tables, then a model instance of each, than their rows take to write.
REQUEST_ROW_VALUES = (
    "pk",
    "kind",
    "status",
    "notes",
    "current_am_project_id",
    "requested_am_project_id",
    "zd_organization_id",
    "zd_instance",
    "created_at",
    "account_id",
    "account__name",
    "organization_id",
    "organization__name",
    "requested_by__name",
    "requested_by__email",
    "claimed_by_id",
    "claimed_by__name",
    "claimed_by__email",
)
# The choices' labels, as get_kind_display() and get_status_display() give them (a value not
# among them as it is), looked up without a call through the model per row.
KINDS = dict(RequestKind.choices)
STATUSES = dict(RequestStatus.choices)


def _pattern(name: str) -> str:
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def _ago(value: Any) -> str:
    """`|timesince`: empty for no date or one it cannot compare."""
    try:
        return timesince(value) if value else ""
    except (ValueError, TypeError):
        return ""


def _or(value: Any, default: str) -> Any:
    """`|default:`: the default for any false value."""
    return value or default


def queue_rows(rows: Iterable[dict[str, Any]]) -> list[SimpleNamespace]:
    """A page of `.values(*REQUEST_ROW_VALUES)` as rows with attributes (`row.pk`, ...)."""
    return [SimpleNamespace(**row) for row in rows]


def _person(name: str | None, email: str | None) -> str:
    """What a user's `str()` gives: their name, else their address."""
    return name or email or ""


def status_badge(status: str, label: str) -> str:
    return f'<span class="badge{STATUS_CLASS.get(status, "")}">{escape(label)}</span>'


def request_rows_html(items: Iterable[Any], *, is_ops: bool, csrf_token: Any, query: str) -> str:
    """The <tr>s of the queue's table (`queue_rows`); `is_ops` adds the claim column (with the
    page's CSRF token and its query, to come back to the same list)."""
    detail, account, claim = (
        _pattern("supportops:detail"),
        _pattern("accounts:detail"),
        _pattern("supportops:claim"),
    )
    csrf = ""
    if csrf_token and csrf_token != "NOTPROVIDED":
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    names = labels()  # {} with one instance: no "Instance" column
    # The claim form's inputs after the action, the same on every row.
    claim_inputs = (
        f'">{csrf}<input type="hidden" name="from" value="list">'
        f'<input type="hidden" name="query" value="{escape(query)}">'
        '<button class="btn small" type="submit">Claim</button></form>'
    )
    out = []
    for item in items:
        link = escape(detail.format(item.pk))
        if item.kind == RequestKind.AM_PROJECT_ID:  # OpsRequest.is_correction
            what = (
                f"Collaboration project ID {escape(_or(item.current_am_project_id, '(none)'))} \u2192 "
                f'<span class="mono">{escape(item.requested_am_project_id)}</span>'
            )
        else:
            what = escape(truncate_chars(str(item.notes), 80))
        claimed = _person(item.claimed_by__name, item.claimed_by__email) if item.claimed_by_id else DASH
        org = f"{escape(item.organization__name)} \u00b7 " if item.organization_id is not None else ""
        cells = [
            f'<td class="mono"><a href="{link}">{item.pk}</a></td>',
            f'<td><a href="{link}">{escape(KINDS.get(item.kind, item.kind))}</a>'
            f'<div class="small muted">{what}</div></td>',
            f'<td><a href="{escape(account.format(item.account_id))}">{escape(item.account__name)}</a>'
            f'<div class="small muted">{org}<span class="mono">{escape(_or(item.zd_organization_id, ""))}'
            "</span></div></td>",
            *([f'<td class="nowrap">{escape(label(names, item.zd_instance))}</td>'] if names else []),
            f"<td>{status_badge(item.status, STATUSES.get(item.status, item.status))}</td>",
            f"<td>{escape(_person(item.requested_by__name, item.requested_by__email))}</td>",
            f"<td>{escape(claimed)}</td>",
            f'<td class="nowrap" title="{escape(when(item.created_at))}">{escape(day(item.created_at))}'
            f'<div class="small muted">{escape(_ago(item.created_at))} ago</div></td>',
        ]
        if is_ops:
            form = ""
            if item.status in CLAIMABLE:
                form = f'<form method="post" action="{escape(claim.format(item.pk))}{claim_inputs}'
            cells.append(f'<td class="nowrap">{form}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    return "".join(out)
