"""Ticket changes made through the API or by tests: create, update, delete, comment.

A change moves the ticket to the end of the export stream (a new generated_timestamp) and
records an audit, which the ticket events export serves.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from . import ids
from .ids import iso_z
from .streams import TICKET_SHIFT, SortedStream

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from .config import SandboxConfig
    from .data import World
    from .tickets import TicketFactory

STATUS_ORDER = ("new", "open", "pending", "hold", "solved", "closed", "deleted")


class TicketOps:
    """Mixed into State, which sets these attributes and implements the methods below."""

    lock: threading.RLock
    config: SandboxConfig
    world: World
    factory: TicketFactory
    tickets: SortedStream
    changed_tickets: dict[int, dict]
    changed_comments: dict[int, list[dict]]
    ticket_keys: dict[int, int]
    next_ticket_id: int
    on_ticket_created: Callable[[dict], None] | None
    _events: SortedStream | None
    _pending_audits: list[tuple[int, int, dict]]

    def now(self) -> int:
        raise NotImplementedError

    def _next_seq(self) -> int:
        raise NotImplementedError

    def ticket(self, ticket_id: int) -> dict | None:
        raise NotImplementedError

    def comments(self, ticket_id: int) -> list[dict]:
        raise NotImplementedError

    def _add_case(self, ticket: dict) -> None:
        raise NotImplementedError

    def _touch(self, ticket: dict, ts: int) -> None:
        """Move a changed ticket to the end of the export stream; bump its timestamps.

        Every change through the API makes an audit, so ``updated_at`` moves along with
        ``generated_timestamp``.
        """
        tid = ticket["id"]
        old = self.ticket_keys.get(tid)
        if old is None and tid <= self.config.tickets:
            old = self.factory.timeline(tid).updated << TICKET_SHIFT | tid
        if old is not None:
            self.tickets.remove(old)
        key = self.tickets.append_at(ts, self._next_seq(), tid)
        self.ticket_keys[tid] = key
        ticket["generated_timestamp"] = key >> TICKET_SHIFT
        ticket["updated_at"] = iso_z(key >> TICKET_SHIFT)

    def _materialise(self, ticket_id: int) -> dict:
        if ticket_id not in self.changed_tickets:
            base = self.ticket(ticket_id)
            if base is None:
                raise KeyError(ticket_id)
            self.changed_tickets[ticket_id] = copy.deepcopy(base)
            self.changed_comments[ticket_id] = copy.deepcopy(self.comments(ticket_id))
        return self.changed_tickets[ticket_id]

    def create_ticket(
        self, fields: dict[str, Any], comment: dict | None = None, notify: bool = True
    ) -> tuple[dict, dict]:
        """Open a ticket (as the API does). Returns (ticket, audit); runs the triggers."""
        with self.lock:
            ts = self.now()
            tid = self.next_ticket_id
            self.next_ticket_id += 1
            w = self.world
            requester: int | None = fields.get("requester_id")
            user = w.user_by_id.get(requester) if requester is not None else None
            org_id = fields.get("organization_id") or (user or {}).get("organization_id")
            region = fields.get("region")
            custom = [{"id": ids.ZD_FIELD_REGION, "value": region}]
            for entry in fields.get("custom_fields") or []:
                if entry.get("id") == ids.ZD_FIELD_REGION:
                    custom = [{"id": ids.ZD_FIELD_REGION, "value": entry.get("value")}]
            body = (comment or {}).get("body") or fields.get("description") or fields.get("subject") or ""
            ticket = {
                "url": f"{w.base_url}/api/v2/tickets/{tid}.json",
                "id": tid,
                "external_id": fields.get("external_id"),
                "via": {
                    "channel": fields.get("via_channel", "api"),
                    "source": {"from": {}, "to": {}, "rel": None},
                },
                "created_at": iso_z(ts),
                "updated_at": iso_z(ts),
                "generated_timestamp": ts,
                "type": fields.get("type"),
                "subject": fields.get("subject") or body[:80],
                "raw_subject": fields.get("subject") or body[:80],
                "description": body,
                "priority": fields.get("priority"),
                "status": fields.get("status") or "new",
                "recipient": None,
                "requester_id": requester,
                "submitter_id": fields.get("submitter_id") or requester,
                "assignee_id": fields.get("assignee_id"),
                "organization_id": org_id,
                "group_id": ids.ZD_GROUP_SUPPORT if fields.get("assignee_id") else None,
                "collaborator_ids": [],
                "follower_ids": [],
                "email_cc_ids": [],
                "forum_topic_id": None,
                "problem_id": None,
                "has_incidents": False,
                "is_public": True,
                "due_at": None,
                "tags": list(fields.get("tags") or []),
                "custom_fields": custom,
                "satisfaction_rating": {"score": "unoffered"},
                "sharing_agreement_ids": [],
                "custom_status_id": 360_000_100_000,
                "fields": custom,
                "followup_ids": [],
                "ticket_form_id": ids.ZD_FORM,
                "brand_id": ids.ZD_BRAND,
                "allow_channelback": False,
                "allow_attachments": True,
                "from_messaging_channel": False,
            }
            self.changed_tickets[tid] = ticket
            first = self._new_comment(tid, 0, requester, body, (comment or {}).get("public", True), ts)
            self.changed_comments[tid] = [first]
            self._touch(ticket, ts)
            audit = self._audit(
                ticket, ts, requester, [first], {"status": (None, ticket["status"])}, create=True
            )
            self._add_case(ticket)
        if notify and self.on_ticket_created is not None:
            self.on_ticket_created(copy.deepcopy(ticket))
        return ticket, audit

    def update_ticket(
        self, ticket_id: int, comment: dict | None = None, author_id: int | None = None, **changes: Any
    ) -> tuple[dict, dict]:
        """Change a ticket: bumps updated_at and generated_timestamp; returns (ticket, audit)."""
        with self.lock:
            ticket = self._materialise(ticket_id)
            ts = self.now()
            diff = {}
            for name, value in changes.items():
                if name == "custom_fields":
                    ticket["custom_fields"] = ticket["fields"] = [dict(e) for e in value]
                    continue
                if name not in ticket:
                    raise KeyError(f"unknown ticket field {name!r}")
                if ticket[name] != value:
                    diff[name] = (ticket[name], value)
                    ticket[name] = value
            if "status" in diff:
                ticket["custom_status_id"] = 360_000_100_000 + (
                    "new",
                    "open",
                    "pending",
                    "hold",
                    "solved",
                    "closed",
                    "deleted",
                ).index(ticket["status"])
            new_comments = []
            if comment and comment.get("body"):
                author = (
                    author_id or comment.get("author_id") or ticket["assignee_id"] or self.world.agents[0]
                )
                existing = self.changed_comments[ticket_id]
                new_comments.append(
                    self._new_comment(
                        ticket_id, len(existing), author, comment["body"], comment.get("public", True), ts
                    )
                )
                existing.extend(new_comments)
            self._touch(ticket, ts)
            audit = self._audit(ticket, ts, author_id or self.world.agents[0], new_comments, diff)
            return ticket, audit

    def delete_ticket(self, ticket_id: int) -> dict:
        """Soft-delete: the ticket stays in the export stream with status "deleted"."""
        return self.update_ticket(ticket_id, status="deleted")[0]

    def _new_comment(self, tid: int, k: int, author: int | None, body: str, public: bool, ts: int) -> dict:
        cid = (
            ids.ZD_COMMENT_BASE + tid * 16 + k if k < 16 else ids.ZD_COMMENT_BASE + 10**10 + self._next_seq()
        )
        html = (
            '<div class="zd-comment" dir="auto"><p dir="auto">'
            + (body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
            + "</p></div>"
        )
        return {
            "id": cid,
            "type": "Comment",
            "author_id": author,
            "body": body,
            "html_body": html,
            "plain_body": body,
            "public": bool(public),
            "attachments": [],
            "audit_id": cid + 10**9,
            "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": iso_z(ts),
            "metadata": {"system": {}, "custom": {}},
        }

    def _audit(
        self,
        ticket: dict,
        ts: int,
        author: int | None,
        comments: list[dict],
        diff: dict,
        create: bool = False,
    ) -> dict:
        audit_id = ids.ZD_AUDIT_BASE + 10**10 + self._next_seq()
        events = [dict(c, id=c["id"]) for c in comments]
        for name, (old, new) in diff.items():
            events.append(
                {
                    "id": audit_id + len(events) + 1,
                    "type": "Create" if create else "Change",
                    "field_name": name,
                    "value": new,
                    "previous_value": old,
                }
            )
        audit = {
            "id": audit_id,
            "ticket_id": ticket["id"],
            "created_at": iso_z(ts),
            "author_id": author,
            "metadata": {"system": {}, "custom": {}},
            "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
            "events": events,
        }
        if self._events is not None:
            self._events.append_at(ts, self._next_seq(), (ticket["id"], audit))
        else:
            self._pending_audits.append((ts, ticket["id"], audit))
        return audit
