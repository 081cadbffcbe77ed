"""The Zendesk Support API subset: organizations, users, tickets, comments, ratings.

Payload shapes follow Zendesk's API reference (see tests/fixtures/vendor/). Paths work with
and without the ``.json`` suffix, as on Zendesk.
"""

from __future__ import annotations

import base64
import bisect
import json
from urllib.parse import urlencode

from . import ids
from .state import TICKET_SHIFT, State
from .streams import decode_cursor, encode_cursor
from .tickets import REGIONS, parse_iso
from .web import Request, Response, Router, json_response
from .zdevents import ticket_events_page

NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
AUTH_FAILED = {"error": "Couldn't authenticate you"}
PRIORITIES = (None, "urgent", "high", "normal", "low")
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
REGION_NAMES = {
    "all_regions": "All Regions",
    "americas_usa": "Americas USA",
    "asia_pacific": "Asia Pacific",
    "europe_middle_east_africa": "Europe Middle East Africa",
}


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


def _int(value: str | None, default: int, low: int, high: int, name: str) -> int:
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
            size = _int(req.arg("page[size]"), 100, 1, 100, "page[size]")
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
        per_page = _int(req.arg("per_page"), 100, 1, 100, "per_page")
        page = _int(req.arg("page"), 1, 1, 10**9, "page")
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


def register(router: Router, state: State) -> None:
    def add(method: str, path: str, handler) -> None:
        router.add(method, r"/api/v2/" + path + r"(?:\.json)?", lambda req, **kw: handler(req, state, **kw))

    add("GET", r"organizations", list_orgs)
    add("GET", r"organizations/search", search_orgs)
    add("GET", r"organizations/(?P<org_id>\d+)", show_org)
    add("PUT", r"organizations/(?P<org_id>\d+)", update_org)
    add("GET", r"organizations/(?P<org_id>\d+)/users", org_users)
    add("GET", r"incremental/organizations", incremental_orgs)
    add("GET", r"users", list_users)
    add("GET", r"users/me", me)
    add("GET", r"users/(?P<user_id>\d+)", show_user)
    add("GET", r"incremental/users/cursor", incremental_users)
    add("POST", r"tickets", create_ticket)
    add("GET", r"tickets/(?P<ticket_id>\d+)", show_ticket)
    add("PUT", r"tickets/(?P<ticket_id>\d+)", update_ticket)
    add("DELETE", r"tickets/(?P<ticket_id>\d+)", delete_ticket)
    add("GET", r"tickets/(?P<ticket_id>\d+)/comments", ticket_comments)
    add("GET", r"incremental/tickets/cursor", incremental_tickets)
    add("GET", r"incremental/ticket_events", lambda req, st: ticket_events_page(req, st))
    add("GET", r"satisfaction_ratings", satisfaction_ratings)
    add("GET", r"ticket_fields", ticket_fields)


# -- organizations -----------------------------------------------------------------------------
def list_orgs(req: Request, state: State) -> Response:
    return paginate(
        req, "organizations", sorted(state.world.orgs, key=lambda o: o["id"]), "/api/v2/organizations.json"
    )


def search_orgs(req: Request, state: State) -> Response:
    name, external = (req.arg("name") or "").casefold(), req.arg("external_id")
    found = [
        o
        for o in state.world.orgs
        if (name and o["name"].casefold() == name) or (external and o["external_id"] == external)
    ]
    return json_response(
        {"organizations": found, "next_page": None, "previous_page": None, "count": len(found)}
    )


def show_org(req: Request, state: State, org_id: str) -> Response:
    org = state.world.org_by_id.get(int(org_id))
    return json_response({"organization": org}) if org else json_response(NOT_FOUND, 404)


def update_org(req: Request, state: State, org_id: str) -> Response:
    if int(org_id) not in state.world.org_by_id:
        return json_response(NOT_FOUND, 404)
    try:
        changes = req.json().get("organization")
    except ValueError:
        return error(400, "InvalidJSON", "The request body is not valid JSON")
    if not isinstance(changes, dict):
        return invalid("organization is required")
    fields = changes.get("organization_fields")
    if fields is not None and not isinstance(fields, dict):
        return invalid("organization_fields must be an object", "organization_fields")
    return json_response({"organization": state.update_org(int(org_id), changes)})


def org_users(req: Request, state: State, org_id: str) -> Response:
    if int(org_id) not in state.world.org_by_id:
        return json_response(NOT_FOUND, 404)
    members = [state.world.user_by_id[u] for u in state.world.org_members.get(int(org_id), [])]
    return paginate(
        req, "users", sorted(members, key=lambda u: u["id"]), f"/api/v2/organizations/{org_id}/users.json"
    )


def _time_based(req: Request, state: State, kind: str) -> Response:
    try:
        start = int(req.arg("start_time") or "")
        per_page = _int(req.arg("per_page"), 1000, 1, 1000, "per_page")
    except ValueError:
        return error(400, "InvalidValue", "start_time is required and must be a unix timestamp")
    rows = state.sorted_by_update(kind)
    pos = bisect.bisect_left(rows, ((start, -1),))
    chunk = rows[pos : pos + per_page]
    if len(chunk) == per_page:  # never split items that share the last timestamp
        end = bisect.bisect_right(rows, ((chunk[-1][0][0], 1 << 62),))
        chunk = rows[pos : max(end, pos + per_page)]
    end_time = chunk[-1][0][0] if chunk else start
    end_of_stream = pos + len(chunk) >= len(rows)
    path = f"/api/v2/incremental/{kind}.json"
    return json_response(
        {
            kind: [row for _, row in chunk],
            "count": len(chunk),
            "end_time": end_time,
            "next_page": None
            if end_of_stream
            else url(req, path, start_time=end_time, per_page=req.arg("per_page")),
            "end_of_stream": end_of_stream,
        }
    )


def incremental_orgs(req: Request, state: State) -> Response:
    return _time_based(req, state, "organizations")


# -- users -----------------------------------------------------------------------------------
def list_users(req: Request, state: State) -> Response:
    roles = set(req.query.get("role", []) + req.query.get("role[]", []))
    users = [u for u in state.world.users if not roles or u["role"] in roles]
    return paginate(req, "users", sorted(users, key=lambda u: u["id"]), "/api/v2/users.json")


def me(req: Request, state: State) -> Response:
    admin = dict(state.world.user_by_id[state.world.agents[0]])
    admin.update({"email": state.config.zendesk_email, "name": "Portal API", "role": "admin"})
    return json_response({"user": admin})


def show_user(req: Request, state: State, user_id: str) -> Response:
    user = state.world.user_by_id.get(int(user_id))
    return json_response({"user": user}) if user else json_response(NOT_FOUND, 404)


def _cursor_args(req: Request) -> tuple[int, int, int] | Response:
    start, cursor = req.arg("start_time"), req.arg("cursor")
    if (start is None) == (cursor is None):
        return error(400, "InvalidPaginationParameter", "Exactly one of start_time or cursor is required")
    try:
        per_page = _int(req.arg("per_page"), 1000, 1, 1000, "per_page")
        if cursor is not None:
            ts, low = decode_cursor(cursor)
        else:
            ts, low = int(start) - 1, (1 << TICKET_SHIFT) - 1  # type: ignore[arg-type]
    except (ValueError, UnicodeDecodeError):
        return error(400, "InvalidPaginationParameter", "Invalid cursor or start_time")
    return ts, low, per_page


def incremental_users(req: Request, state: State) -> Response:
    args = _cursor_args(req)
    if isinstance(args, Response):
        return args
    ts, low, per_page = args
    if req.arg("start_time") is not None:
        low = 1 << 62
    rows = state.sorted_by_update("users")
    pos = _after(rows, (ts, low))
    chunk = rows[pos : pos + per_page]
    return _cursor_page(
        req,
        "users",
        "/api/v2/incremental/users/cursor.json",
        [r for _, r in chunk],
        chunk[-1][0] if chunk else (ts, low),
        chunk[0][0] if chunk else None,
        pos + len(chunk) >= len(rows),
    )


def _after(rows: list, key: tuple[int, int]) -> int:
    keys = [k for k, _ in rows]
    return bisect.bisect_right(keys, key)


def _cursor_page(
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


# -- tickets ---------------------------------------------------------------------------------
def incremental_tickets(req: Request, state: State) -> Response:
    args = _cursor_args(req)
    if isinstance(args, Response):
        return args
    ts, low, per_page = args
    include = set((req.arg("include") or "").split(","))
    exclude_deleted = (req.arg("exclude_deleted") or "").lower() == "true"
    stream = state.tickets
    items, first_key, last_key, exhausted = [], None, None, True
    with state.lock:
        if low < 0:  # a before cursor: the page that ends just before this position
            keys = list(stream.before(stream.make(ts, -low - 1)))[:per_page][::-1]
            exhausted = False
        else:
            keys = stream.take(stream.make(ts, low), per_page + 1)
            exhausted = len(keys) <= per_page
            keys = keys[:per_page]
        changed = {k: state.ticket_for_key(k) for k in keys if k in stream.tail_values}
    for key in keys:
        ticket = changed.get(key) or state.ticket_for_key(key)
        first_key = first_key if first_key is not None else key
        last_key = key
        if exclude_deleted and ticket["status"] == "deleted":
            continue
        if "slas" in include:
            ticket = dict(ticket, slas=state.ticket_slas(ticket))
        items.append(ticket)
    last = stream.split(last_key) if last_key is not None else (ts, low if low >= 0 else 0)
    first = stream.split(first_key) if first_key is not None else None
    return _cursor_page(
        req, "tickets", "/api/v2/incremental/tickets/cursor.json", items, last, first, exhausted
    )


def _ticket_or_404(state: State, ticket_id: str) -> dict | Response:
    ticket = state.ticket(int(ticket_id))
    if ticket is None or ticket["status"] == "deleted":
        return json_response(NOT_FOUND, 404)
    return ticket


def show_ticket(req: Request, state: State, ticket_id: str) -> Response:
    ticket = _ticket_or_404(state, ticket_id)
    if isinstance(ticket, Response):
        return ticket
    if "slas" in (req.arg("include") or "").split(","):
        ticket = dict(ticket, slas=state.ticket_slas(ticket))
    return json_response({"ticket": ticket})


def _validate(fields: dict) -> str | None:
    if fields.get("priority") not in PRIORITIES:
        return "Priority: is not valid"
    if "status" in fields and fields["status"] not in STATUSES:
        return "Status: is not valid"
    for entry in fields.get("custom_fields") or []:
        if not isinstance(entry, dict) or "id" not in entry:
            return "custom_fields: each entry needs an id"
        if entry["id"] == ids.ZD_FIELD_REGION and entry.get("value") not in (None, "", *REGIONS):
            return "Preferred Region for Support: is not a valid option"
    return None


def create_ticket(req: Request, state: State) -> Response:
    try:
        fields = req.json().get("ticket")
    except ValueError:
        return error(400, "InvalidJSON", "The request body is not valid JSON")
    if not isinstance(fields, dict):
        return invalid("ticket is required")
    comment = fields.get("comment") or {}
    if isinstance(comment, str):
        comment = {"body": comment}
    if not (comment.get("body") or comment.get("html_body") or fields.get("description")):
        return invalid("Description: cannot be blank", "description")
    problem = _validate(fields)
    if problem:
        return invalid(problem)
    w = state.world
    requester_id = fields.get("requester_id")
    if requester_id is not None and requester_id not in w.user_by_id:
        return invalid("Requester: is not valid", "requester")
    if (
        requester_id is None
        and isinstance(fields.get("requester"), dict)
        and fields["requester"].get("email")
    ):
        spec = fields["requester"]
        user = state.user_by_email(spec["email"])
        if user is None:
            domain = spec["email"].rpartition("@")[2].lower()
            org = next((o for o in w.orgs if domain in [d.lower() for d in o["domain_names"]]), None)
            user = state.add_user(
                spec.get("name") or spec["email"], spec["email"], org["id"] if org else None
            )
        requester_id = user["id"]
    if requester_id is None:
        requester_id = w.agents[0]
    org_id = fields.get("organization_id")
    if org_id is not None and org_id not in w.org_by_id:
        return invalid("Organization: is not valid", "organization_id")
    fields = dict(fields, requester_id=requester_id)
    if not comment.get("body") and comment.get("html_body"):
        comment = dict(comment, body=comment["html_body"])
    ticket, audit = state.create_ticket(fields, comment)
    return json_response(
        {"ticket": ticket, "audit": audit},
        201,
        [("Location", f"{req.base_url}/api/v2/tickets/{ticket['id']}.json")],
    )


def update_ticket(req: Request, state: State, ticket_id: str) -> Response:
    ticket = _ticket_or_404(state, ticket_id)
    if isinstance(ticket, Response):
        return ticket
    try:
        fields = dict(req.json().get("ticket") or {})
    except ValueError:
        return error(400, "InvalidJSON", "The request body is not valid JSON")
    problem = _validate({"priority": ticket["priority"], **fields})
    if problem:
        return invalid(problem)
    comment = fields.pop("comment", None)
    if isinstance(comment, str):
        comment = {"body": comment}
    allowed = {
        "status",
        "priority",
        "subject",
        "type",
        "tags",
        "assignee_id",
        "custom_fields",
        "organization_id",
        "group_id",
        "external_id",
        "due_at",
        "requester_id",
    }
    changes = {k: v for k, v in fields.items() if k in allowed}
    ticket, audit = state.update_ticket(
        int(ticket_id), comment=comment, author_id=(comment or {}).get("author_id"), **changes
    )
    return json_response({"ticket": ticket, "audit": audit})


def delete_ticket(req: Request, state: State, ticket_id: str) -> Response:
    ticket = _ticket_or_404(state, ticket_id)
    if isinstance(ticket, Response):
        return ticket
    state.delete_ticket(int(ticket_id))
    return Response(204, b"", content_type="")


def ticket_comments(req: Request, state: State, ticket_id: str) -> Response:
    ticket = _ticket_or_404(state, ticket_id)
    if isinstance(ticket, Response):
        return ticket
    rows = state.comments(int(ticket_id))
    if (req.arg("sort_order") or "asc") == "desc":
        rows = rows[::-1]
    return paginate(
        req,
        "comments",
        rows,
        f"/api/v2/tickets/{ticket_id}/comments.json",
        sort_key=lambda c: parse_iso(c["created_at"]) * 10**6 + c["id"] % 10**6,
    )


# -- satisfaction ratings and ticket fields ----------------------------------------------------
def satisfaction_ratings(req: Request, state: State) -> Response:
    try:
        start = int(req.arg("start_time") or 0)
        end = int(req.arg("end_time") or 1 << 40)
        size = _int(req.arg("page[size]") or req.arg("per_page"), 100, 1, 100, "page[size]")
        page = _int(req.arg("page"), 1, 1, 10**9, "page")
        after = decode_cursor(req.arg("page[after]")) if req.arg("page[after]") else None
    except (ValueError, UnicodeDecodeError):
        return error(400, "InvalidPaginationParameter", "Invalid pagination or time parameters")
    score = req.arg("score")
    stream = state.ratings()
    key = stream.make(*after) if after else stream.make(max(start - 1, 0), (1 << TICKET_SHIFT) - 1)
    cbp = after is not None or "page[size]" in req.query
    skip = 0 if cbp else (page - 1) * size
    rows, last = [], None
    for k in stream.after(key):
        ts = k >> TICKET_SHIFT
        if ts > end:
            break
        sk = state.factory.skeleton(k & ((1 << TICKET_SHIFT) - 1))
        if score and not (score == sk.rating or (score == "received" and sk.rating in ("good", "bad"))):
            continue
        if skip:
            skip -= 1
            continue
        if len(rows) == size:
            break
        rows.append(state.factory.rating(sk))
        last = k
    more = (
        len(rows) == size
        and last is not None
        and any(True for k in stream.after(last) if k >> TICKET_SHIFT <= end)
    )
    path = "/api/v2/satisfaction_ratings.json"
    extra = {k: v[-1] for k, v in req.query.items() if not k.startswith("page")}
    if cbp:
        cursor = encode_cursor(*stream.split(last)) if last is not None else None
        return json_response(
            {
                "satisfaction_ratings": rows,
                "meta": {"has_more": more, "after_cursor": cursor, "before_cursor": None},
                "links": {
                    "next": url(req, path, **extra, **{"page[size]": size, "page[after]": cursor})
                    if more
                    else None,
                    "prev": None,
                },
            }
        )
    return json_response(
        {
            "satisfaction_ratings": rows,
            "next_page": url(req, path, **extra, page=page + 1) if more else None,
            "previous_page": url(req, path, **extra, page=page - 1) if page > 1 else None,
        }
    )


def ticket_fields(req: Request, state: State) -> Response:
    base = req.base_url
    system = [
        (360_000_000_001, "subject", "Subject"),
        (360_000_000_002, "description", "Description"),
        (360_000_000_003, "status", "Status"),
        (360_000_000_004, "priority", "Priority"),
        (360_000_000_005, "tickettype", "Type"),
        (360_000_000_006, "group", "Group"),
        (360_000_000_007, "assignee", "Assignee"),
    ]
    fields = [_field(base, fid, ftype, title, []) for fid, ftype, title in system]
    options = [
        {
            "id": 360_010_000_001 + n,
            "name": REGION_NAMES[v],
            "raw_name": REGION_NAMES[v],
            "value": v,
            "default": False,
        }
        for n, v in enumerate(REGIONS)
    ]
    fields.append(
        _field(
            base,
            ids.ZD_FIELD_REGION,
            "tagger",
            "Preferred Region for Support",
            options,
            "The region whose business hours the customer wants support in.",
        )
    )
    return json_response(
        {"ticket_fields": fields, "next_page": None, "previous_page": None, "count": len(fields)}
    )


def _field(base: str, fid: int, ftype: str, title: str, options: list, description: str = "") -> dict:
    field = {
        "url": f"{base}/api/v2/ticket_fields/{fid}.json",
        "id": fid,
        "type": ftype,
        "title": title,
        "raw_title": title,
        "description": description,
        "raw_description": description,
        "position": fid % 100,
        "active": True,
        "required": False,
        "collapsed_for_agents": False,
        "regexp_for_validation": None,
        "title_in_portal": title,
        "raw_title_in_portal": title,
        "visible_in_portal": True,
        "editable_in_portal": ftype != "status",
        "required_in_portal": False,
        "tag": None,
        "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2020-01-01T00:00:00Z",
        "removable": ftype == "tagger",
        "key": None,
        "agent_description": None,
    }
    if options:
        field["custom_field_options"] = options
    return field
