"""The Zendesk Support API subset: organizations (and their fields), users, tickets, comments, ratings.

Payload shapes follow Zendesk's API reference (see tests/fixtures/vendor/). Paths work with
and without the ``.json`` suffix, as on Zendesk.
"""

from __future__ import annotations

import bisect

from . import deletions, schema
from .ids import iso_z
from .state import State
from .web import Request, Response, Router, json_response
from .zdcommon import NOT_FOUND, after_key, cursor_args, cursor_page, error, int_arg, invalid, paginate, url
from .zdevents import ticket_events_page
from .zdtickets import (
    count_tickets,
    create_ticket,
    delete_ticket,
    incremental_tickets,
    satisfaction_ratings,
    show_ticket,
    ticket_comments,
    ticket_fields,
    update_ticket,
)


def register(router: Router, state: State) -> None:
    def add(method: str, path: str, handler) -> None:
        router.add(method, r"/api/v2/" + path + r"(?:\.json)?", lambda req, **kw: handler(req, state, **kw))

    add("GET", r"organizations", list_orgs)
    add("GET", r"organizations/search", search_orgs)
    add("GET", r"organizations/count", lambda req, st: _count(st, len(st.world.orgs)))
    add("GET", r"organizations/(?P<org_id>\d+)", show_org)
    add("PUT", r"organizations/(?P<org_id>\d+)", update_org)
    add("DELETE", r"organizations/(?P<org_id>\d+)", delete_org)
    add("GET", r"organizations/(?P<org_id>\d+)/users", org_users)
    add("GET", r"incremental/organizations", incremental_orgs)
    add("GET", r"users", list_users)
    add("GET", r"users/me", me)
    add("GET", r"users/count", lambda req, st: _count(st, len(st.world.users)))
    add("GET", r"users/(?P<user_id>\d+)", show_user)
    add("DELETE", r"users/(?P<user_id>\d+)", delete_user)
    add("GET", r"deleted_users", list_deleted_users)
    add("GET", r"incremental/users/cursor", incremental_users)
    add("POST", r"tickets", create_ticket)
    add("GET", r"tickets/count", count_tickets)
    add("GET", r"tickets/(?P<ticket_id>\d+)", show_ticket)
    add("PUT", r"tickets/(?P<ticket_id>\d+)", update_ticket)
    add("DELETE", r"tickets/(?P<ticket_id>\d+)", delete_ticket)
    add("GET", r"tickets/(?P<ticket_id>\d+)/comments", ticket_comments)
    add("GET", r"incremental/tickets/cursor", incremental_tickets)
    add("GET", r"incremental/ticket_events", lambda req, st: ticket_events_page(req, st))
    add("GET", r"satisfaction_ratings", satisfaction_ratings)
    add("GET", r"ticket_fields", ticket_fields)
    add("GET", r"organization_fields", organization_fields)


# -- organizations -----------------------------------------------------------------------------
def _out(state: State, org: dict) -> dict:
    return schema.org_out(state.config.schema, org)


def list_orgs(req: Request, state: State) -> Response:
    live = [_out(state, o) for o in state.world.orgs if deletions.org_is_live(o)]
    return paginate(req, "organizations", sorted(live, key=lambda o: o["id"]), "/api/v2/organizations.json")


def organization_fields(req: Request, state: State) -> Response:
    fields = schema.organization_fields(state.config.schema, req.base_url)
    return json_response(
        {"organization_fields": fields, "next_page": None, "previous_page": None, "count": len(fields)}
    )


def search_orgs(req: Request, state: State) -> Response:
    name, external = (req.arg("name") or "").casefold(), req.arg("external_id")
    found = [
        o
        for o in state.world.orgs
        if deletions.org_is_live(o)
        and ((name and o["name"].casefold() == name) or (external and o["external_id"] == external))
    ]
    found = [_out(state, o) for o in found]
    return json_response(
        {"organizations": found, "next_page": None, "previous_page": None, "count": len(found)}
    )


def show_org(req: Request, state: State, org_id: str) -> Response:
    org = state.world.org_by_id.get(int(org_id))
    if org is None or not deletions.org_is_live(org):
        return json_response(NOT_FOUND, 404)
    return json_response({"organization": _out(state, org)})


def delete_org(req: Request, state: State, org_id: str) -> Response:
    found = deletions.delete_org(state, int(org_id))
    return Response(204, b"", content_type="") if found else json_response(NOT_FOUND, 404)


def update_org(req: Request, state: State, org_id: str) -> Response:
    if not deletions.org_is_live(state.world.org_by_id.get(int(org_id))):
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
    if fields:
        changes = {**changes, "organization_fields": schema.org_fields_in(state.config.schema, fields)}
    return json_response({"organization": _out(state, state.update_org(int(org_id), changes))})


def org_users(req: Request, state: State, org_id: str) -> Response:
    if not deletions.org_is_live(state.world.org_by_id.get(int(org_id))):
        return json_response(NOT_FOUND, 404)
    members = [state.world.user_by_id[u] for u in state.world.org_members.get(int(org_id), [])]
    return paginate(
        req, "users", sorted(members, key=lambda u: u["id"]), f"/api/v2/organizations/{org_id}/users.json"
    )


def _time_based(req: Request, state: State, kind: str, out=lambda row: row) -> Response:
    try:
        start = int(req.arg("start_time") or "")
        per_page = int_arg(req.arg("per_page"), 1000, 1, 1000, "per_page")
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
            kind: [out(row) for _, row in chunk],
            "count": len(chunk),
            "end_time": end_time,
            "next_page": None
            if end_of_stream
            else url(req, path, start_time=end_time, per_page=req.arg("per_page")),
            "end_of_stream": end_of_stream,
        }
    )


def incremental_orgs(req: Request, state: State) -> Response:
    return _time_based(req, state, "organizations", lambda org: _out(state, org))


# -- users -----------------------------------------------------------------------------------
def _count(state: State, value: int) -> Response:
    """``/api/v2/<things>/count``: Zendesk's approximate count (here exact) and when it was taken."""
    return json_response({"count": {"value": value, "refreshed_at": iso_z(state.now())}})


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


def delete_user(req: Request, state: State, user_id: str) -> Response:
    user = state.world.user_by_id.get(int(user_id))
    if user is None or not user.get("active", True):
        return json_response(NOT_FOUND, 404)
    return json_response({"user": deletions.delete_user(state, int(user_id))})


def list_deleted_users(req: Request, state: State) -> Response:
    found = sorted(deletions.deleted_users(state), key=lambda u: u["id"])
    return paginate(req, "deleted_users", found, "/api/v2/deleted_users.json")


def incremental_users(req: Request, state: State) -> Response:
    args = cursor_args(req)
    if isinstance(args, Response):
        return args
    ts, low, per_page = args
    if req.arg("start_time") is not None:
        low = 1 << 62
    rows = state.sorted_by_update("users")
    pos = after_key(rows, (ts, low))
    chunk = rows[pos : pos + per_page]
    return cursor_page(
        req,
        "users",
        "/api/v2/incremental/users/cursor.json",
        [r for _, r in chunk],
        chunk[-1][0] if chunk else (ts, low),
        chunk[0][0] if chunk else None,
        pos + len(chunk) >= len(rows),
    )
