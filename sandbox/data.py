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

from . import ids
from .config import SandboxConfig
from .ids import DAY, rng
from .sfdata import add_accounts, add_sf_users
from .world import World
from .zddata import add_agents, add_orgs

__all__ = ["DAY", "World", "generate_instance_world", "generate_world", "pick_org"]


def generate_world(config: SandboxConfig, base_url: str) -> World:
    """The first instance's world: Salesforce (users, accounts, contacts) and its Zendesk."""
    w = World(config=config, base_url=base_url.rstrip("/"), name_seed=config.seed)
    w.anchor = config.anchor_ts
    w.start = w.anchor - config.history_days * DAY
    add_sf_users(w)
    add_accounts(w)
    add_orgs(w)
    add_agents(w)
    _index(w)
    return w


def generate_instance_world(config: SandboxConfig, shared: World, shared_accounts: float) -> World:
    """Another Zendesk instance's world beside ``shared`` (the first instance's), sharing its
    Salesforce: ``config.accounts`` new accounts (appended to the shared Salesforce) that only
    this instance has an org for, and orgs for about ``shared_accounts`` of the accounts that
    have an org in the first instance (at least one). Ids of orgs, users and tickets start
    where the first instance's do, so the same ids exist in both."""
    w = World(config=config, base_url=shared.base_url, name_seed=shared.name_seed, next_name=shared.next_name)
    w.anchor, w.start = shared.anchor, shared.start
    w.sf_users, w.accounts, w.contacts = shared.sf_users, shared.accounts, shared.contacts
    w.contact_by_email = shared.contact_by_email
    with_org = set(shared.org_account.values())
    candidates = [(a, acct) for a, acct in enumerate(shared.accounts) if acct["Id"] in with_org]
    plan = [
        (a, acct) for a, acct in candidates if rng(config.seed, ids.S_EXTRA_ORG, a).random() < shared_accounts
    ]
    if not plan and candidates and shared_accounts > 0:
        plan = candidates[:1]
    first = len(shared.accounts)
    add_accounts(w, start=first, count=config.accounts, first_name=shared.next_name)
    plan += [(a, w.accounts[a]) for a in range(first, len(w.accounts))]
    add_orgs(w, plan)
    add_agents(w)
    _index(w)
    shared.next_name = w.next_name
    return w


def _index(w: World) -> None:
    cumulative, total = [], 0.0
    for org in w.orgs:
        members = w.org_members.get(org["id"], [])
        seats = w.org_seats[org["id"]]
        total += (math.log(seats + 1) + 1.0) if members else 0.0
        cumulative.append(total)
    w.org_weights = cumulative
    w.org_by_id = {org["id"]: org for org in w.orgs}
    w.user_by_id = {user["id"]: user for user in w.users}


def pick_org(w: World, value: int) -> dict:
    """The org a ticket belongs to, from 64 random bits (weighted by account size)."""
    total = w.org_weights[-1]
    point = (value % 1_000_003) / 1_000_003 * total
    return w.orgs[min(bisect.bisect_right(w.org_weights, point), len(w.orgs) - 1)]
