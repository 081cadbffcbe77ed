"""One running Zendesk instance of the sandbox, and how a request finds its instance.

Each instance has its own state (tickets, users, orgs, ratings, schedules, exports, faults,
rate limits), its own webhooks, triggers and webhook sender, and its own router for the
Zendesk API and the control endpoints. Salesforce is one, served from the first instance's
state (``server.state``).

The portal sends every instance's requests to the one sandbox URL (zenpy is forced to that
netloc), so the instance is the one whose credentials a request presents; a ``Host`` whose
first label is an instance's subdomain (``example-usgov.zendesk.com``) names it as well, and
control endpoints take ``?instance=KEY`` or the ``X-Sandbox-Instance`` header.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import control, zdschedules, zdtriggers, zdwebhooks, zendesk
from .config import SandboxConfig
from .customer import ticket_payload
from .instances import GLOBAL
from .state import State
from .web import Request, Router
from .webhooks import WebhookSender
from .world import World

if TYPE_CHECKING:
    from .server import SandboxServer

INSTANCE_HEADER = "x-sandbox-instance"


class UnknownInstance(ValueError):
    """A control request named an instance that is not configured."""


@dataclass
class Instance:
    key: str
    config: SandboxConfig  # as this instance sees it (SandboxConfig.for_instance)
    state: State
    webhooks: WebhookSender
    zd_webhooks: zdwebhooks.Webhooks
    zd_triggers: zdtriggers.Triggers
    router: Router = field(default_factory=Router)

    def accepts(self, creds: tuple[str, str] | None) -> bool:
        """True for exactly this instance's basic auth: ``<email>/token`` and its token."""
        if creds is None:
            return False
        user, secret = creds
        expected = f"{self.config.zendesk_email}/token"
        same_user = hmac.compare_digest(user.lower().encode(), expected.lower().encode())
        same_token = hmac.compare_digest(secret.encode(), self.config.zendesk_api_token.encode())
        return same_user and same_token

    def ticket_created(self, ticket: dict) -> None:
        """What Zendesk does when a ticket is created: run the triggers, send subscribed events."""
        self.zd_triggers.ticket_created(ticket)
        self.zd_webhooks.ticket_created(ticket)

    def open_customer_ticket(
        self, org, subject=None, description=None, priority=None, requester=None, region=None
    ) -> dict:
        """A customer of ``org`` (id or name) opens a ticket in this instance; the triggers run."""
        w = self.state.world
        found = (
            w.org_by_id.get(int(org))
            if str(org).isdecimal()
            else next((o for o in w.orgs if o["name"].casefold() == str(org).casefold()), None)
        )
        if found is None:
            raise KeyError(f"no organization {org!r} in the instance {self.key}")
        user = None
        if requester:
            user = self.state.user_by_email(requester) or self.state.add_user(
                requester.split("@")[0], requester, found["id"]
            )
        else:
            members = w.org_members.get(found["id"]) or []
            user = w.user_by_id[members[0]] if members else None
        payload = ticket_payload(
            found, user, subject=subject, description=description, priority=priority, region=region
        )["ticket"]
        comment = payload.pop("comment")
        payload.setdefault("requester_id", w.agents[0])
        ticket, _audit = self.state.create_ticket(dict(payload, via_channel="web"), comment)
        return ticket


def build(server: SandboxServer, key: str, world: World | None) -> Instance:
    """An instance of ``server`` (its data from ``world``; None: generate the first world)."""
    config = server.config.for_instance(key)
    state = State(config, server.url, world=world, instance=key)
    sender = WebhookSender(state, config.webhook_attempts, config.webhook_backoff)
    hooks = zdwebhooks.Webhooks(state, sender)
    triggers = zdtriggers.Triggers(state, hooks)
    inst = Instance(key, config, state, sender, hooks, triggers)
    state.on_ticket_created = inst.ticket_created
    zendesk.register(inst.router, state)
    zdwebhooks.register(inst.router, hooks)
    zdtriggers.register(inst.router, triggers)
    control.register(inst.router, server, inst)
    zdschedules.register(inst.router, state)
    zdschedules.control(inst.router, state)
    return inst


def select(instances: dict[str, Instance], req: Request, named: bool) -> tuple[Instance | None, bool]:
    """(the request's instance or None, whether its credentials are accepted).

    Zendesk API (``named`` false): the instance its ``Host`` names, else the one whose
    credentials it presents; only that instance's credentials are accepted. Control endpoints
    (``named``): the instance of ``?instance=`` or ``X-Sandbox-Instance``, else as above, else
    ``global``; any instance's credentials are accepted. UnknownInstance for a bad name.
    """
    creds = req.basic_auth()
    by_creds = next((i for i in instances.values() if i.accepts(creds)), None)
    chosen = None
    if named:
        key = (req.arg("instance") or req.headers.get(INSTANCE_HEADER) or "").strip().lower()
        if key:
            chosen = instances.get(key)
            if chosen is None:
                known = ", ".join(instances)
                raise UnknownInstance(f"no Zendesk instance {key!r} (configured: {known})")
    if chosen is None:
        chosen = by_host(instances, req.headers.get("host", ""))
    if chosen is None:
        chosen = by_creds
    if named:
        return chosen or instances[GLOBAL], by_creds is not None
    return chosen, chosen is not None and chosen.accepts(creds)


def by_host(instances: dict[str, Instance], host: str) -> Instance | None:
    """The instance whose subdomain is the host's first label (``example-usgov.zendesk.com``)."""
    label = host.split(":")[0].split(".")[0].strip().lower()
    if not label:
        return None
    return next((i for i in instances.values() if i.config.zendesk_subdomain.lower() == label), None)
