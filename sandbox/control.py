"""Control endpoints under ``/_sandbox/`` (Zendesk credentials required).

Each Zendesk instance has its own: ``?instance=KEY`` or the ``X-Sandbox-Instance`` header
picks it, else the instance whose credentials are presented (``global`` by default). The
Salesforce ones (``salesforce/expire-sessions``, ``instance_url``) act on the one Salesforce.

GET  /_sandbox/stats                      counts, requests, faults, limits
POST /_sandbox/faults                     {"rate", "kinds", "slow_seconds", "retry_after",
                                           "next": {"kind", "count", "path"}}
POST /_sandbox/rate-limit                 {"spec": "incremental=10/60,default=700/60"} ("" = off)
POST /_sandbox/salesforce/expire-sessions every issued Salesforce token stops working
POST /_sandbox/tickets                    {"org": id or name, "subject", "description",
                                           "priority", "requester": email, "region"}: a customer
                                           opens a ticket (the triggers run)
GET  /_sandbox/webhooks                   webhook deliveries so far
POST /_sandbox/foreign-urls               {"next_page": url, "instance_url": url} (null = off):
                                           the ticket fields answer an empty page whose
                                           next_page is that URL; the Salesforce login answers
                                           that instance_url (a client must not follow either)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import parse_rate_limit
from .web import Request, Response, Router, json_response

if TYPE_CHECKING:
    from .server import SandboxServer
    from .zdinstance import Instance


def register(router: Router, server: SandboxServer, instance: Instance) -> None:
    state = instance.state

    def body(req: Request) -> dict:
        data = req.json()
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return data

    def guarded(handler):
        def run(req: Request, **kw) -> Response:
            try:
                return handler(req, **kw)
            except (ValueError, KeyError) as exc:
                return json_response({"error": "InvalidValue", "description": str(exc)}, 400)

        return run

    def stats(req: Request) -> Response:
        return json_response(state.stats())

    def faults(req: Request) -> Response:
        data = body(req)
        state.faults.configure(
            rate=data.get("rate"),
            kinds=data.get("kinds"),
            slow_seconds=data.get("slow_seconds"),
            retry_after=data.get("retry_after"),
        )
        nxt = data.get("next")
        if nxt:
            state.faults.inject_next(nxt["kind"], int(nxt.get("count", 1)), nxt.get("path", "/"))
        return json_response(
            {"rate": state.faults.rate, "kinds": list(state.faults.kinds), "queued": len(state.faults.queue)}
        )

    def rate_limit(req: Request) -> Response:
        data = body(req)
        state.rate_limiter.configure(parse_rate_limit(data.get("spec")))
        return json_response({"rate_limit": {k: list(v) for k, v in state.rate_limiter.budgets.items()}})

    def expire(req: Request) -> Response:
        return json_response({"expired": server.state.expire_sf_sessions()})

    def open_ticket(req: Request) -> Response:
        data = body(req)
        ticket = instance.open_customer_ticket(
            org=data["org"],
            subject=data.get("subject"),
            description=data.get("description"),
            priority=data.get("priority"),
            requester=data.get("requester"),
            region=data.get("region"),
        )
        return json_response({"ticket": ticket}, 201)

    def webhooks(req: Request) -> Response:
        return json_response({"deliveries": list(state.webhook_deliveries)})

    def foreign_urls(req: Request) -> Response:
        data = body(req)
        # next_page: this instance's ticket fields; instance_url: the one Salesforce's login.
        owners = {"next_page": state, "instance_url": server.state}
        for name, owner in owners.items():
            if name in data:
                value = data[name]
                if value is None:
                    owner.foreign_urls.pop(name, None)
                elif isinstance(value, str) and value:
                    owner.foreign_urls[name] = value
                else:
                    raise ValueError(f"{name} must be a URL or null")
        shown = {n: o.foreign_urls[n] for n, o in owners.items() if n in o.foreign_urls}
        return json_response({"foreign_urls": shown})

    router.add("GET", r"/_sandbox/?", lambda req: json_response({"endpoints": __doc__}))
    router.add("GET", r"/_sandbox/stats", guarded(stats))
    router.add("POST", r"/_sandbox/faults", guarded(faults))
    router.add("POST", r"/_sandbox/rate-limit", guarded(rate_limit))
    router.add("POST", r"/_sandbox/salesforce/expire-sessions", guarded(expire))
    router.add("POST", r"/_sandbox/tickets", guarded(open_ticket))
    router.add("GET", r"/_sandbox/webhooks", guarded(webhooks))
    router.add("POST", r"/_sandbox/foreign-urls", guarded(foreign_urls))
