"""Zendesk tickets: incremental export, show/create/update/delete, comments, ratings, fields."""

from __future__ import annotations

from . import ids, schema
from .ids import parse_iso
from .state import TICKET_SHIFT, State
from .streams import decode_cursor, encode_cursor
from .tickets import REGIONS
from .web import Request, Response, json_response
from .zdcommon import NOT_FOUND, cursor_args, cursor_page, error, int_arg, invalid, paginate, url

PRIORITIES = (None, "urgent", "high", "normal", "low")


STATUSES = ("new", "open", "pending", "hold", "solved", "closed")


REGION_NAMES = {
    "all_regions": "All Regions",
    "americas_usa": "Americas USA",
    "asia_pacific": "Asia Pacific",
    "europe_middle_east_africa": "Europe Middle East Africa",
}


def incremental_tickets(req: Request, state: State) -> Response:
    args = cursor_args(req)
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
    return cursor_page(
        req, "tickets", "/api/v2/incremental/tickets/cursor.json", items, last, first, exhausted
    )


def _ticket_or_404(state: State, ticket_id: str) -> dict | Response:
    ticket = state.ticket(int(ticket_id))
    if ticket is None or ticket["status"] == "deleted":
        return json_response(NOT_FOUND, 404)
    return ticket


def count_tickets(req: Request, state: State) -> Response:
    """``/api/v2/tickets/count``: Zendesk's approximate count (here exact), with when it was taken."""
    count = {"value": state.next_ticket_id - 1, "refreshed_at": ids.iso_z(state.now())}
    return json_response({"count": count})


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


def satisfaction_ratings(req: Request, state: State) -> Response:
    try:
        start = int(req.arg("start_time") or 0)
        end = int(req.arg("end_time") or 1 << 40)
        size = int_arg(req.arg("page[size]") or req.arg("per_page"), 100, 1, 100, "page[size]")
        page = int_arg(req.arg("page"), 1, 1, 10**9, "page")
        cursor = req.arg("page[after]")
        after = decode_cursor(cursor) if cursor else None
    except (ValueError, UnicodeDecodeError):
        return error(400, "InvalidPaginationParameter", "Invalid pagination or time parameters")
    score = req.arg("score")
    stream = state.ratings()
    key = stream.make(*after) if after else stream.make(max(start - 1, 0), (1 << TICKET_SHIFT) - 1)
    cbp = after is not None or "page[size]" in req.query
    skip = 0 if cbp else (page - 1) * size
    rows: list[dict] = []
    last: int | None = None
    more = False
    for k in stream.after(key):
        if k >> TICKET_SHIFT > end:
            break
        rating = state.factory.rating(state.factory.skeleton(k & ((1 << TICKET_SHIFT) - 1)))
        if not _score_matches(score, rating):
            continue
        if skip:
            skip -= 1
            continue
        if len(rows) == size:
            more = True
            break
        rows.append(rating)
        last = k
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


def _score_matches(score: str | None, rating: dict) -> bool:
    """Zendesk's score filter: good, bad, offered, received, and their _with(out)_comment forms."""
    if not score:
        return True
    want, comment = score, None
    if score.endswith("_with_comment"):
        want, comment = score.removesuffix("_with_comment"), True
    elif score.endswith("_without_comment"):
        want, comment = score.removesuffix("_without_comment"), False
    ok = rating["score"] in ("good", "bad") if want == "received" else rating["score"] == want
    return ok and (comment is None or bool(rating["comment"]) == comment)


def ticket_fields(req: Request, state: State) -> Response:
    foreign = state.foreign_urls.get("next_page")
    if foreign:  # a test's control: "the rest is over there"
        return json_response({"ticket_fields": [], "next_page": foreign, "previous_page": None, "count": 8})
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
            schema.region_title(state.config.schema),
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
