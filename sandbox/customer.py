"""What a customer writes when opening a ticket in the demo (used by sandbox_ticket)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import requests

from . import text
from .ids import ZD_FIELD_REGION
from .tickets import PRIORITIES, REGIONS


def ticket_payload(
    org: dict,
    requester: dict | None,
    *,
    subject: str | None = None,
    description: str | None = None,
    priority: str | None = None,
    region: str | None = None,
    seed: int | None = None,
    requester_email: str | None = None,
) -> dict:
    """The body of ``POST /api/v2/tickets.json`` for a customer of ``org``."""
    r = random.Random(seed)
    name = (requester or {}).get("name") or (requester_email or "Customer").split("@")[0]
    first, _, last = name.partition(" ")
    ctx = {
        "first": first,
        "last": last,
        "title": "Engineer",
        "company": org["name"],
        "domain": (org.get("domain_names") or ["example.com"])[0],
        "seats": 100,
    }
    quality = r.choices(text.QUALITIES, text.QUALITY_WEIGHTS)[0]
    gen_subject, gen_description, topic, _traits = text.compose(r, quality, ctx)
    ticket: dict = {
        "subject": subject or gen_subject,
        "comment": {"body": description or gen_description, "public": True},
        "priority": priority if priority is not None else r.choice(PRIORITIES),
        "organization_id": org["id"],
        "custom_fields": [
            {"id": ZD_FIELD_REGION, "value": region if region is not None else r.choice(REGIONS)}
        ],
        "tags": [topic.name],
    }
    if requester is not None:
        ticket["requester_id"] = requester["id"]
    elif requester_email:
        ticket["requester"] = {"email": requester_email, "name": name}
    return {"ticket": ticket}


class CustomerError(Exception):
    """The sandbox refused the ticket or could not be reached (the message says which)."""


def customer_session(config: Any, instance: str = "global") -> requests.Session:
    """A session that talks to the sandbox's Zendesk API as the portal's credentials for
    ``instance`` allow (the sandbox picks the instance by them), trusting the sandbox's own CA
    (and not the environment's bundles). ValueError for an instance not configured."""
    session = requests.Session()
    session.trust_env = False
    ca = Path(config.ca_path)
    session.verify = str(ca) if ca.exists() else True
    inst = config.instance(instance)
    session.auth = (f"{inst.email}/token", inst.token)
    return session


def ticket_open(session: requests.Session, base: str, payload: dict) -> dict:
    """POST /api/v2/tickets.json as a customer; returns the created ticket (its triggers and
    their webhooks run in the sandbox as on Zendesk)."""
    try:
        response = session.post(f"{base.rstrip('/')}/api/v2/tickets.json", json=payload, timeout=15)
    except requests.RequestException as exc:
        raise CustomerError(f"the sandbox at {base} is not reachable: {exc}") from exc
    if response.status_code != 201:
        raise CustomerError(f"ticket not created: {response.status_code} {response.text[:300]}")
    return response.json()["ticket"]
