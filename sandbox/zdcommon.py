"""Shared pieces of the Zendesk API: error bodies, URLs, cursor and offset pagination."""

from __future__ import annotations

import base64
import bisect
import json
from urllib.parse import urlencode

from .state import TICKET_SHIFT
from .streams import decode_cursor, encode_cursor
from .web import Request, Response, json_response

NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}


AUTH_FAILED = {"error": "Couldn't authenticate you"}


def error(status: int, kind: str, description: str, details: dict | None = None) -> Response:
    body: dict = {"error": kind, "description": description}
    if details is not None:
        body["details"] = details
    return json_response(body, status)


def invalid(description: str, field: str = "base") -> Response:
    return error(
        422,
        "RecordInvalid",
        "Record validation errors",
        {field: [{"description": description, "error": "InvalidValue"}]},
    )


def url(req: Request, path: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{req.base_url}{path}" + (f"?{query}" if query else "")


def int_arg(value: str | None, default: int, low: int, high: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer") from None
    if not low <= number <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return number


def paginate(req: Request, key: str, rows: list[dict], path: str, sort_key=lambda r: r["id"]) -> Response:
    """Cursor pagination with ``page[size]`` (as zenpy asks), else offset pagination."""
    try:
        if "page[size]" in req.query or "page[after]" in req.query or "page[before]" in req.query:
            size = int_arg(req.arg("page[size]"), 100, 1, 100, "page[size]")
            keys = [sort_key(r) for r in rows]
            after, before = req.arg("page[after]"), req.arg("page[before]")
            if after:
                start = bisect.bisect_right(keys, _decode(after))
                chunk = rows[start : start + size]
            elif before:
                end = bisect.bisect_left(keys, _decode(before))
                start = max(0, end - size)
                chunk = rows[start:end]
            else:
                start, chunk = 0, rows[:size]
            has_more = start + len(chunk) < len(rows)
            first = _encode(sort_key(chunk[0])) if chunk else None
            last = _encode(sort_key(chunk[-1])) if chunk else None
            extra = {k: v[-1] for k, v in req.query.items() if not k.startswith("page[")}
            return json_response(
                {
                    key: chunk,
                    "meta": {"has_more": has_more, "after_cursor": last, "before_cursor": first},
                    "links": {
                        "next": url(req, path, **extra, **{"page[size]": size, "page[after]": last})
                        if has_more
                        else None,
                        "prev": url(req, path, **extra, **{"page[size]": size, "page[before]": first})
                        if start > 0
                        else None,
                    },
                }
            )
        per_page = int_arg(req.arg("per_page"), 100, 1, 100, "per_page")
        page = int_arg(req.arg("page"), 1, 1, 10**9, "page")
    except ValueError as exc:
        return error(400, "InvalidPaginationParameter", str(exc))
    chunk = rows[(page - 1) * per_page : page * per_page]
    more = page * per_page < len(rows)
    return json_response(
        {
            key: chunk,
            "count": len(rows),
            "next_page": url(req, path, page=page + 1, per_page=per_page) if more else None,
            "previous_page": url(req, path, page=page - 1, per_page=per_page) if page > 1 else None,
        }
    )


def _encode(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _decode(cursor: str):
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def cursor_args(req: Request) -> tuple[int, int, int] | Response:
    start, cursor = req.arg("start_time"), req.arg("cursor")
    if (start is None) == (cursor is None):
        return error(400, "InvalidPaginationParameter", "Exactly one of start_time or cursor is required")
    try:
        per_page = int_arg(req.arg("per_page"), 1000, 1, 1000, "per_page")
        if cursor is not None:
            ts, low = decode_cursor(cursor)
        else:
            ts, low = int(start) - 1, (1 << TICKET_SHIFT) - 1  # type: ignore[arg-type]
    except (ValueError, UnicodeDecodeError):
        return error(400, "InvalidPaginationParameter", "Invalid cursor or start_time")
    return ts, low, per_page


def after_key(rows: list, key: tuple[int, int]) -> int:
    keys = [k for k, _ in rows]
    return bisect.bisect_right(keys, key)


def cursor_page(
    req: Request,
    name: str,
    path: str,
    items: list,
    last: tuple[int, int],
    first: tuple[int, int] | None,
    end_of_stream: bool,
) -> Response:
    after = encode_cursor(*last)
    extra = {k: v[-1] for k, v in req.query.items() if k not in ("cursor", "start_time")}
    before = encode_cursor(first[0], -first[1] - 1) if first else None
    return json_response(
        {
            name: items,
            "after_url": url(req, path, cursor=after, **extra),
            "after_cursor": after,
            "before_url": url(req, path, cursor=before, **extra) if before else None,
            "before_cursor": before,
            "end_of_stream": end_of_stream,
        }
    )
