"""Deterministic generator of the small, materialised part of the sandbox's world.

Accounts, contacts and Salesforce users; Zendesk organizations, end users and agents. All
of it comes from (seed, index) streams, so the same config gives the same data. Tickets,
comments, ratings and cases are generated lazily per ticket id in ``tickets.py``.

Salesforce records hold typed values (datetimes as unix seconds, dates as ISO strings);
``salesforce.py`` formats them. Zendesk records are JSON-ready dicts.
"""

from __future__ import annotations

import bisect
import math

from .config import SandboxConfig
from .ids import DAY
from .sfdata import add_accounts, add_sf_users
from .world import World
from .zddata import add_agents, add_orgs

__all__ = ["DAY", "World", "generate_world", "pick_org"]


def generate_world(config: SandboxConfig, base_url: str) -> World:
    w = World(config=config, base_url=base_url.rstrip("/"))
    w.anchor = config.anchor_ts
    w.start = w.anchor - config.history_days * DAY
    add_sf_users(w)
    add_accounts(w)
    add_orgs(w)
    add_agents(w)
    cumulative, total = [], 0.0
    for org in w.orgs:
        members = w.org_members.get(org["id"], [])
        seats = w.org_seats[org["id"]]
        total += (math.log(seats + 1) + 1.0) if members else 0.0
        cumulative.append(total)
    w.org_weights = cumulative
    w.org_by_id = {org["id"]: org for org in w.orgs}
    w.user_by_id = {user["id"]: user for user in w.users}
    return w


def pick_org(w: World, value: int) -> dict:
    """The org a ticket belongs to, from 64 random bits (weighted by account size)."""
    total = w.org_weights[-1]
    point = (value % 1_000_003) / 1_000_003 * total
    return w.orgs[min(bisect.bisect_right(w.org_weights, point), len(w.orgs) - 1)]
