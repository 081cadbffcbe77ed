"""What a customer writes when opening a ticket in the demo (used by sandbox_ticket)."""

from __future__ import annotations

import random

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
