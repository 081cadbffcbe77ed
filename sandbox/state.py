"""The sandbox's live data: generated records plus every change made through the APIs.

Tests reach it as ``handle.state`` to inspect or change data directly (for example
``state.update_ticket(5, status="solved")`` or ``state.update_org(org_id, {...})``).
"""

from __future__ import annotations

import copy
import gc
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from . import ids
from .config import SandboxConfig
from .data import DAY, World, generate_world
from .faults import Faults, RateLimiter
from .ids import iso_z, parse_iso
from .schedules import ScheduleStore, default_schedules
from .sfstore import SFStore
from .sla import sla_metrics
from .streams import EVENT_SHIFT, TICKET_SHIFT, SortedStream
from .ticketops import TicketOps
from .tickets import TicketFactory

__all__ = ["EVENT_SHIFT", "TICKET_SHIFT", "State"]

CHANGED_AFTER_IDS = 1 << 61  # above every id, below a start_time's "after the whole second" (1 << 62)


class State(TicketOps):
    def __init__(
        self,
        config: SandboxConfig,
        base_url: str,
        clock: Callable[[], float] = time.time,
        world: World | None = None,
        instance: str = "global",
    ) -> None:
        self.config = config
        self.clock = clock
        self.lock = threading.RLock()
        # The Zendesk instance this state is (sandbox/instances.py). Only the first instance's
        # tickets have Salesforce Cases (their ids are the ticket numbers, which repeat).
        self.instance = instance
        self.world: World = world if world is not None else generate_world(config, base_url)
        self.factory = TicketFactory(self.world)
        # URLs the sandbox hands out as if another host were Zendesk's or Salesforce's
        # (set through POST /_sandbox/foreign-urls): "next_page" of the ticket fields,
        # "instance_url" of the Salesforce login.
        self.foreign_urls: dict[str, str] = {}
        self.faults = Faults(
            config.faults, config.fault_kinds, config.seed, config.slow_seconds, config.retry_after_seconds
        )
        self.rate_limiter = RateLimiter(config.rate_limit)
        started = time.perf_counter()
        timeline = self.factory.timeline
        self.tickets = SortedStream(
            ((timeline(i).updated << TICKET_SHIFT) | i for i in range(1, config.tickets + 1)), TICKET_SHIFT
        )
        self.index_seconds = time.perf_counter() - started
        if config.tickets >= 100_000 or config.accounts >= 1000:
            self.factory.warm()
            # Keep the cycle collector from walking the generated records on every export page.
            gc.freeze()
        self.changed_tickets: dict[int, dict] = {}  # ticket id -> current ticket (changed ones)
        self.changed_comments: dict[int, list[dict]] = {}
        self.ticket_keys: dict[int, int] = {}  # changed ticket id -> its key in the stream
        self.next_ticket_id = config.tickets + 1
        self._seq = 0
        self._last_ts = self.world.anchor
        self._events: SortedStream | None = None
        self._pending_audits: list[tuple[int, int, dict]] = []
        self._ratings: SortedStream | None = None
        self.sf_sessions: dict[str, float] = {}
        self.sf_changed: dict[str, dict[str, dict]] = {"Account": {}, "Contact": {}, "Case": {}, "User": {}}
        self.sf_created: dict[str, list[str]] = {"Account": [], "Contact": [], "Case": [], "User": []}
        self._cases: SortedStream | None = None
        self.case_keys: dict[str, int] = {}
        self.webhook_deliveries: list[dict] = []
        self.on_ticket_created: Callable[[dict], None] | None = None
        self.requests: dict[str, int] = {}
        self._sorted: dict[str, tuple] = {}
        self._sorted_version = 0
        # The order of changes to users and orgs, for the incremental exports' cursors: a record
        # changed in the same second as the cursor's position comes after it whatever its id
        # (as Zendesk's cursor does), or a change made in that second to a lower id were lost.
        self._change_order: dict[tuple[str, int], int] = {}
        self._changes = 0
        self.sf = SFStore(self)
        # Business hours and holidays (sandbox/schedules.py); `sla_policies` off: Zendesk
        # applies no SLA policy, so tickets carry no SLA metrics (the portal estimates its own).
        self.schedules = ScheduleStore(self.now, default_schedules(self.world.anchor))
        self.sla_policies = config.sla_policies

    # -- time and keys -------------------------------------------------------------------
    def now(self) -> int:
        """The timestamp of a change: never earlier than the generated history's end."""
        with self.lock:
            self._last_ts = max(int(self.clock()), self.world.anchor + 1, self._last_ts)
            return self._last_ts

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # -- tickets -----------------------------------------------------------------------------
    def ticket(self, ticket_id: int) -> dict | None:
        """The current ticket (deleted ones too, with status "deleted"), or None."""
        changed = self.changed_tickets.get(ticket_id)
        if changed is not None:
            return changed
        if 1 <= ticket_id <= self.config.tickets:
            return self.factory.ticket(ticket_id)
        return None

    def comments(self, ticket_id: int) -> list[dict]:
        if ticket_id in self.changed_comments:
            return self.changed_comments[ticket_id]
        if 1 <= ticket_id <= self.config.tickets:
            return self.factory.comments(ticket_id)
        return []

    def ticket_for_key(self, key: int) -> dict:
        value = self.tickets.tail_values.get(key)
        if value is not None:
            return self.changed_tickets[value]
        return self.factory.ticket(key & ((1 << TICKET_SHIFT) - 1))

    # -- lazily built indexes --------------------------------------------------------------
    def events(self) -> SortedStream:
        """Ticket audit events ordered by time (built on first use)."""
        with self.lock:
            if self._events is None:
                keys = []
                f = self.factory
                for i in range(1, self.config.tickets + 1):
                    sk = f.skeleton(i)
                    times = f.comment_times(sk)
                    tl = sk.timeline
                    for k, t in enumerate(times):
                        keys.append(t << EVENT_SHIFT | i << 4 | k)
                    if tl.solved is not None:
                        keys.append(tl.solved << EVENT_SHIFT | i << 4 | 14)
                    if tl.status == "closed":
                        keys.append(tl.updated << EVENT_SHIFT | i << 4 | 15)
                stream = SortedStream(keys, EVENT_SHIFT)
                self._events = stream
                for ts, tid, audit in self._pending_audits:
                    stream.append_at(ts, self._next_seq(), (tid, audit))
                self._pending_audits.clear()
            return self._events

    def ratings(self) -> SortedStream:
        with self.lock:
            if self._ratings is None:
                f = self.factory
                keys = []
                for i in range(1, self.config.tickets + 1):
                    sk = f.skeleton(i)
                    if sk.rating is not None:
                        keys.append(f.rating_time(sk) << TICKET_SHIFT | i)
                self._ratings = SortedStream(keys, TICKET_SHIFT)
            return self._ratings

    def cases(self) -> SortedStream:
        """Salesforce Case keys ordered by SystemModstamp (key = SystemModstamp << 24 | n)."""
        with self.lock:
            if self._cases is None:
                mask = (1 << TICKET_SHIFT) - 1
                keys = []
                for key in self.tickets.base:
                    i = key & mask
                    if (ids.mix(self.config.seed, ids.S_RATING, i) >> 32) & 0xFF < 225:
                        keys.append(key + (300 << TICKET_SHIFT))
                self._cases = SortedStream(keys, TICKET_SHIFT)
                for case_id in list(self.sf_changed["Case"]):
                    self._move_case(case_id)
            return self._cases

    # -- organizations and users -------------------------------------------------------------
    def update_org(self, org_id: int, changes: dict[str, Any]) -> dict:
        """Change an org (``organization_fields`` are merged, as Zendesk does)."""
        with self.lock:
            org = self.world.org_by_id[org_id]
            for name, value in changes.items():
                if name == "organization_fields":
                    org["organization_fields"].update(value or {})
                elif name in ("id", "url", "created_at", "updated_at"):
                    continue
                else:
                    org[name] = value
            org["updated_at"] = iso_z(self.now())
            self.changed("orgs", org_id)
            return org

    def add_user(self, name: str, email: str, org_id: int | None) -> dict:
        with self.lock:
            w = self.world
            uid = ids.ZD_USER_BASE + 3 + 17 * (len(w.users) + 10_000 + self._next_seq())
            ts = self.now()
            user = copy.deepcopy(w.users[0])
            user.update(
                {
                    "url": w.user_url(uid),
                    "id": uid,
                    "name": name,
                    "email": email.lower(),
                    "created_at": iso_z(ts),
                    "updated_at": iso_z(ts),
                    "organization_id": org_id,
                    "role": "end-user",
                    "active": True,
                    "suspended": False,
                    "last_login_at": None,
                }
            )
            w.users.append(user)
            w.user_by_id[uid] = user
            if org_id is not None:
                w.org_members.setdefault(org_id, []).append(uid)
            self.changed("users", uid)
            return user

    def delete_user(self, user_id: int) -> dict | None:
        """Delete a Zendesk user: ``active: false`` in the export (see sandbox.deletions)."""
        from .deletions import delete_user

        return delete_user(self, user_id)

    def delete_org(self, org_id: int) -> dict | None:
        """Delete a Zendesk organization: ``deleted_at`` in the export (see sandbox.deletions)."""
        from .deletions import delete_org

        return delete_org(self, org_id)

    def user_by_email(self, email: str) -> dict | None:
        email = email.lower()
        return next((u for u in self.world.users if (u["email"] or "").lower() == email), None)

    # -- salesforce ----------------------------------------------------------------------------
    def sf_login(self) -> str:
        token = "00D8d000000sbx!" + secrets.token_urlsafe(48)
        with self.lock:
            self.sf_sessions[token] = self.clock()
        return token

    def sf_session_valid(self, token: str) -> bool:
        issued = self.sf_sessions.get(token)
        return issued is not None and self.clock() - issued < self.config.session_ttl_seconds

    def expire_sf_sessions(self) -> int:
        with self.lock:
            count = len(self.sf_sessions)
            self.sf_sessions.clear()
            return count

    def _add_case(self, ticket: dict) -> None:
        if self.instance != "global":
            return
        org_id, requester_id = ticket.get("organization_id"), ticket.get("requester_id")
        account = self.world.org_account.get(org_id) if org_id is not None else None
        requester = (self.world.user_by_id.get(requester_id) if requester_id is not None else None) or {}
        contact = self.world.contact_by_email.get((requester.get("email") or "").lower())
        ts = self.now()
        case = {
            "Id": ids.sf_id("500", ticket["id"]),
            "CaseNumber": f"{ticket['id']:08d}",
            "AccountId": account,
            "ContactId": contact["Id"] if contact else None,
            "Subject": ticket["subject"],
            "Status": "New",
            "Priority": {"urgent": "Urgent", "high": "High", "low": "Low"}.get(ticket["priority"], "Medium"),
            "Origin": "Zendesk",
            "Zendesk_Ticket_ID__c": float(ticket["id"]),
            "CreatedDate": ts,
            "SystemModstamp": ts,
        }
        self.sf_changed["Case"][case["Id"]] = case
        self.sf_created["Case"].append(case["Id"])
        if self._cases is not None:
            self._move_case(case["Id"])

    def _move_case(self, case_id: str) -> None:
        """Put a changed case last in SystemModstamp order (its stamp follows its key)."""
        cases = self.cases()
        case = self.sf_changed["Case"][case_id]
        n = int(case["Zendesk_Ticket_ID__c"] or 0)
        old = self.case_keys.get(case_id)
        if old is None and 1 <= n <= self.config.tickets:
            old = (self.factory.timeline(n).updated + 300) << TICKET_SHIFT | n
        if old is not None:
            cases.remove(old)
        key = cases.append_at(case["SystemModstamp"], self._next_seq(), case_id)
        case["SystemModstamp"] = key >> TICKET_SHIFT
        self.case_keys[case_id] = key

    def count(self, name: str) -> None:
        with self.lock:
            self.requests[name] = self.requests.get(name, 0) + 1

    def stats(self) -> dict:
        with self.lock:
            return {
                "instance": self.instance,
                "accounts": len(self.world.accounts),
                "contacts": len(self.world.contacts),
                "organizations": len(self.world.orgs),
                "users": len(self.world.users),
                "tickets": self.next_ticket_id - 1,
                "changed_tickets": len(self.changed_tickets),
                "sf_sessions": len(self.sf_sessions),
                "requests": dict(self.requests),
                "faults_injected": dict(self.faults.injected),
                "rate_limited": dict(self.rate_limiter.limited),
                "faults_rate": self.faults.rate,
                "rate_limit": {k: list(v) for k, v in self.rate_limiter.budgets.items()},
                "webhook_deliveries": len(self.webhook_deliveries),
                "index_seconds": round(self.index_seconds, 3),
                "anchor": iso_z(self.world.anchor),
                "history_start": iso_z(self.world.anchor - self.config.history_days * DAY),
            }

    # -- derived views --------------------------------------------------------------------------
    def ticket_slas(self, ticket: dict) -> dict:
        """``slas`` of a ticket (first and next reply time), as ``include=slas`` adds it."""
        if not self.sla_policies:
            return {"policy_metrics": []}
        tid = ticket["id"]
        comments = self.changed_comments.get(tid)
        if comments is None:
            sk = self.factory.skeleton(tid)
            requester = ticket["requester_id"]
            comments = [
                {"public": True, "author_id": requester if k % 2 == 0 else -1, "created_at": iso_z(t)}
                for k, t in enumerate(self.factory.comment_times(sk))
            ]
        return {"policy_metrics": sla_metrics(ticket, comments, self.clock())}

    def sorted_by_update(self, kind: str) -> list[tuple[tuple[int, int], dict]]:
        """Users or organizations as ((updated_at, id), record), oldest first."""
        rows = self.world.users if kind == "users" else self.world.orgs
        with self.lock:
            cache = self._sorted.get(kind)
            stamp = (len(rows), self._sorted_version)
            if cache is None or cache[0] != stamp:
                order = self._change_order
                keyed = sorted(
                    ((parse_iso(r["updated_at"]), order.get((kind, r["id"]), r["id"])), r) for r in rows
                )
                cache = (stamp, keyed)
                self._sorted[kind] = cache
            return cache[1]

    def changed(self, kind: str, record_id: int) -> None:
        """A user or org changed now: it sorts after every record of the same second seen before."""
        with self.lock:
            self._changes += 1
            self._change_order[(kind, record_id)] = CHANGED_AFTER_IDS + self._changes
            self._sorted_version += 1

    def invalidate_sorted(self) -> None:
        with self.lock:
            self._sorted_version += 1
