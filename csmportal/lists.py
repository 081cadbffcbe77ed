"""Shared plumbing of list pages: one FilterSet per list, pagination, htmx partials, CSV export."""

import csv
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import urlencode


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream a CSV download (rows are produced lazily, so large exports use little memory)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in customer-written text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def query_without(request: HttpRequest, *keys: str) -> str:
    """The current query string minus some keys (e.g. for page links that keep the filters)."""
    params = [(k, v) for k, values in request.GET.lists() if k not in keys for v in values]
    return urlencode(params)


def render_list(
    request: HttpRequest,
    template: str,
    items: Any,
    *,
    context: dict[str, Any] | None = None,
    per_page: int = 50,
    partial: str = "table",
    paginator_class: type[Paginator] = Paginator,
    rows: Callable[[Any], Any] | None = None,
) -> HttpResponse:
    """Render a paginated list page; for htmx requests only the named partial.

    `paginator_class` lets a very large list count differently (e.g. a capped count); `rows`
    turns the page's items into what the template reads (e.g. `.values()` dicts into rows)."""
    page = paginator_class(items, per_page).get_page(request.GET.get("page"))
    if rows is not None:
        page.object_list = rows(page.object_list)
    ctx = {"page": page, "query_without_page": query_without(request, "page"), **(context or {})}
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template = f"{template}#{partial}"
    return render(request, template, ctx)
