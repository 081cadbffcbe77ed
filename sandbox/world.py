"""The generated world's container and the constants its generators share."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .config import SandboxConfig

REGIONS = ("AMER", "EMEA", "APAC")


PLANS = ("Basic", "Standard", "Priority")


PRICE = {"Basic": 120.0, "Standard": 348.0, "Priority": 1188.0}


DEMO_CSMS = (("Demo", "CSM", "csm@example.com"), ("Second", "CSM", "csm2@example.com"))


def forced_slot(seed: int, index: int) -> int:
    """Among the first 20 accounts, slots 3, 5, 9, 11, 13, 15 and 17 get a given data problem."""
    return (index + seed) % 20 if index < 20 else -1


def weighted(r: random.Random, options: tuple, weights: tuple):
    return r.choices(options, weights)[0]


@dataclass
class World:
    """The generated Salesforce and Zendesk records (mutable: the sandbox's live data)."""

    config: SandboxConfig
    base_url: str
    # The seed of account and organization names: the first instance's, shared by every
    # instance's world so that names stay unique across the one Salesforce.
    name_seed: int = 0
    # The next unused name index (accounts, then trial orgs, instance after instance).
    next_name: int = 0
    anchor: int = 0
    start: int = 0
    sf_users: list[dict] = field(default_factory=list)
    accounts: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    orgs: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    agents: list[int] = field(default_factory=list)
    org_members: dict[int, list[int]] = field(default_factory=dict)
    # Cumulative ticket weights over ``orgs`` (tickets pick an org by weight).
    org_weights: list[float] = field(default_factory=list)
    # The collaboration project id support ops would confirm for each org (for tests).
    true_am_project_id: dict[int, str] = field(default_factory=dict)
    contact_by_email: dict[str, dict] = field(default_factory=dict)
    org_account: dict[int, str | None] = field(default_factory=dict)
    org_seats: dict[int, int] = field(default_factory=dict)
    org_by_id: dict[int, dict] = field(default_factory=dict)
    user_by_id: dict[int, dict] = field(default_factory=dict)

    def org_url(self, org_id: int) -> str:
        return f"{self.base_url}/api/v2/organizations/{org_id}.json"

    def user_url(self, user_id: int) -> str:
        return f"{self.base_url}/api/v2/users/{user_id}.json"
