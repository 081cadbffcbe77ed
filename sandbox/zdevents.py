"""Zendesk's time-based incremental ticket event export (``include=comment_events``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ids
from .ids import iso_z
from .web import Request, Response, json_response
from .zdcommon import error, url

if TYPE_CHECKING:
    from .state import State

VIA = ("Web form", "Mail", "API")
PAGE = 1000


def ticket_events_page(req: Request, state: State) -> Response:
    try:
        start = int(req.arg("start_time") or "")
    except ValueError:
        return error(400, "InvalidValue", "start_time is required and must be a unix timestamp")
    include = set((req.arg("include") or "").split(","))
    comments_wanted = "comment_events" in include
    stream = state.events()
    with state.lock:
        keys = stream.take(stream.make(start - 1, (1 << stream.shift) - 1), PAGE + 1)
        end_of_stream = len(keys) <= PAGE
        keys = keys[:PAGE]
        if keys and not end_of_stream:  # never split events that share the last timestamp
            last_ts = keys[-1] >> stream.shift
            for k in stream.after(keys[-1]):
                if k >> stream.shift != last_ts:
                    break
                keys.append(k)
        tail = {k: stream.tail_values[k] for k in keys if k in stream.tail_values}
    cache: dict[int, list[dict]] = {}
    events = []
    for key in keys:
        if key in tail:
            tid, audit = tail[key]
            events.append(_from_audit(tid, audit, key >> stream.shift, comments_wanted))
        else:
            events.append(_base_event(state, key, stream.shift, cache, comments_wanted))
    end_time = (keys[-1] >> stream.shift) if keys else start
    if keys and end_time == start and not end_of_stream:
        end_time += 1  # a page full of one second: move on rather than loop
    params = {"start_time": end_time, "include": req.arg("include")}
    return json_response(
        {
            "ticket_events": events,
            "count": len(events),
            "end_time": end_time,
            "end_of_stream": end_of_stream,
            "next_page": url(req, "/api/v2/incremental/ticket_events.json", **params),
        }
    )


def _comment_child(comment: dict, via: str, full: bool) -> dict:
    if not full:
        return {
            "id": comment["id"],
            "via": via,
            "via_reference_id": None,
            "comment_present": True,
            "comment_public": comment["public"],
            "event_type": "Comment",
        }
    return {
        "id": comment["id"],
        "via": comment["via"],
        "via_reference_id": None,
        "type": "Comment",
        "author_id": comment["author_id"],
        "body": comment["body"],
        "html_body": comment["html_body"],
        "plain_body": comment["plain_body"],
        "public": comment["public"],
        "attachments": comment["attachments"],
        "audit_id": comment["audit_id"],
        "created_at": comment["created_at"],
        "event_type": "Comment",
    }


def _event(audit_id: int, tid: int, ts: int, updater: int | None, via: str, children: list[dict]) -> dict:
    return {
        "id": audit_id,
        "ticket_id": tid,
        "timestamp": ts,
        "created_at": iso_z(ts),
        "updater_id": updater,
        "via": via,
        "system": {"client": "Mozilla/5.0", "ip_address": None, "location": None},
        "metadata": {"system": {}, "custom": {}},
        "event_type": "Audit",
        "merged_ticket_ids": [],
        "child_events": children,
    }


def _base_event(state: State, key: int, shift: int, cache: dict, full: bool) -> dict:
    ts = key >> shift
    tid = (key >> 4) & ((1 << 24) - 1)
    k = key & 15
    via = VIA[tid % 3]
    audit_id = ids.ZD_AUDIT_BASE + tid * 16 + k
    comments = cache.get(tid)
    if comments is None:
        comments = cache[tid] = state.comments(tid)
    sk = state.factory.skeleton(tid)
    if k == 14 or k == 15:
        old, new = ("open", "solved") if k == 14 else ("solved", "closed")
        updater = comments[-1]["author_id"] if k == 14 else -1
        child = {
            "id": audit_id * 4 + 1,
            "via": via,
            "via_reference_id": None,
            "status": new,
            "previous_value": old,
            "event_type": "Change",
        }
        return _event(audit_id, tid, ts, updater, via, [child])
    comment = comments[k] if k < len(comments) else comments[-1]
    children = [_comment_child(comment, via, full)]
    if k == 0:
        ticket = state.factory.ticket(tid) if tid not in state.changed_tickets else state.changed_tickets[tid]
        for n, name in enumerate(("subject", "status", "priority", "requester_id", "organization_id")):
            value = "new" if name == "status" else ticket[name]
            children.append(
                {
                    "id": audit_id * 4 + 2 + n,
                    "via": via,
                    "via_reference_id": None,
                    name: value,
                    "event_type": "Create",
                }
            )
    elif (
        k == sk.comments
        and sk.timeline.status == "pending"
        and comment["author_id"] != comments[0]["author_id"]
    ):
        children.append(
            {
                "id": audit_id * 4 + 1,
                "via": via,
                "via_reference_id": None,
                "status": "pending",
                "previous_value": "open",
                "event_type": "Change",
            }
        )
    return _event(audit_id, tid, ts, comment["author_id"], via, children)


def _from_audit(tid: int, audit: dict, ts: int, full: bool) -> dict:
    children = []
    for item in audit["events"]:
        if item.get("type") == "Comment":
            children.append(_comment_child(item, "API", full))
        else:
            child = {
                "id": item["id"],
                "via": "API",
                "via_reference_id": None,
                item["field_name"]: item["value"],
                "event_type": item["type"],
            }
            if item["type"] == "Change":
                child["previous_value"] = item["previous_value"]
            children.append(child)
    return _event(audit["id"], tid, ts, audit["author_id"], "API", children)
