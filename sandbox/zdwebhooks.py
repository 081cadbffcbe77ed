"""Zendesk's Webhooks API: create, list, show, update, patch, delete, signing secret, test.

Shapes follow Zendesk's Webhooks API reference: ``{"webhook": {...}}`` (ids are ULID strings),
the list with cursor pagination (``meta``, ``links``), 204 for update, patch and delete,
``{"signing_secret": {"algorithm": "sha256", "secret": ...}}``, errors as
``{"errors": [{"code", "title", "detail"}]}``.

The signing secret of a webhook created here is the sandbox's configured webhook secret
(``SandboxConfig.webhook_secret``, from ``ZENDESK_WEBHOOK_SECRET``), so the demo and the tests
know it in advance; resetting it (``POST .../signing_secret``) draws a new random one, as
Zendesk does. A test of a webhook not yet created is signed with Zendesk's documented static
test secret.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from .ids import iso_z
from .web import Request, Response, Router, json_response
from .webhooks import Delivery, WebhookSender, plain_session, send_once, ticket_created_event

if TYPE_CHECKING:
    from .state import State

TEST_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="  # Zendesk's, for unsaved webhooks
CONDITIONAL = "conditional_ticket_events"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FORMATS = ("json", "xml", "form_encoded")
STATUSES = ("active", "inactive")
WRITABLE = (
    "name",
    "description",
    "endpoint",
    "http_method",
    "request_format",
    "status",
    "subscriptions",
    "authentication",
    "custom_headers",
)
REQUIRED = ("name", "endpoint", "http_method", "request_format", "status")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


_last_ulid = [0]
_ulid_lock = threading.Lock()


def new_ulid() -> str:
    """A ULID (26 characters, sortable by creation time), as Zendesk's webhook ids. Monotonic, as
    the ULID spec's monotonic mode: two made in the same millisecond still sort in creation order."""
    with _ulid_lock:
        value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
        if value <= _last_ulid[0]:
            value = _last_ulid[0] + 1
        _last_ulid[0] = value
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def errors(status: int, code: str, title: str, detail: str = "") -> Response:
    item = {"code": code, "title": title}
    if detail:
        item["detail"] = detail
    return json_response({"errors": [item]}, status)


class Invalid(ValueError):
    pass


class Webhooks:
    """The webhooks created through the API, their secrets, and event-subscription deliveries."""

    def __init__(self, state: State, sender: WebhookSender) -> None:
        self.state = state
        self.sender = sender
        self.lock = threading.Lock()
        self.items: dict[str, dict] = {}  # id -> stored webhook (with its secret and auth)

    # -- the store ------------------------------------------------------------------------
    def _actor(self) -> str:
        return str(self.state.world.agents[0])

    def create(self, data: Any) -> dict:
        fields = self._validated(data, partial=False)
        now = iso_z(time.time())
        with self.lock:
            webhook_id = new_ulid()
            stored = {
                "id": webhook_id,
                "description": None,
                "subscriptions": [],
                "authentication": None,
                "custom_headers": {},
                **fields,
                "created_at": now,
                "created_by": self._actor(),
                "updated_at": now,
                "updated_by": self._actor(),
                "_secret": self.state.config.webhook_secret,
            }
            self.items[webhook_id] = stored
            return self.public(stored)

    def update(self, webhook_id: str, data: Any, partial: bool) -> bool:
        fields = self._validated(data, partial=partial)
        with self.lock:
            stored = self.items.get(webhook_id)
            if stored is None:
                return False
            if not partial:  # PUT replaces every writable field
                for name in WRITABLE:
                    stored[name] = {"subscriptions": [], "custom_headers": {}}.get(name)
            stored.update(fields)
            stored["updated_at"] = iso_z(time.time())
            stored["updated_by"] = self._actor()
            return True

    def delete(self, webhook_id: str) -> bool:
        with self.lock:
            return self.items.pop(webhook_id, None) is not None

    def get(self, webhook_id: str) -> dict | None:
        with self.lock:
            stored = self.items.get(webhook_id)
            return copy.deepcopy(stored) if stored else None

    def secret(self, webhook_id: str, reset: bool = False) -> str | None:
        with self.lock:
            stored = self.items.get(webhook_id)
            if stored is None:
                return None
            if reset:
                stored["_secret"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
            return stored["_secret"]

    def all(self) -> list[dict]:
        with self.lock:
            return [copy.deepcopy(w) for _, w in sorted(self.items.items())]

    @staticmethod
    def public(stored: dict) -> dict:
        """The webhook as the API shows it (no secret; of basic auth only the username)."""
        shown = {k: copy.deepcopy(v) for k, v in stored.items() if not k.startswith("_")}
        auth = stored.get("authentication")
        if isinstance(auth, dict):
            shown["authentication"] = {k: v for k, v in auth.items() if k != "data"}
            data = auth.get("data") or {}
            if auth.get("type") == "basic_auth" and "username" in data:
                shown["authentication"]["data"] = {"username": data["username"]}
        return shown

    def _validated(self, data: Any, partial: bool) -> dict:
        if not isinstance(data, dict):
            raise Invalid("webhook must be an object")
        fields = {k: data[k] for k in WRITABLE if k in data}
        if not partial:
            missing = [name for name in REQUIRED if fields.get(name) in (None, "")]
            if missing:
                raise Invalid(f"missing required fields: {', '.join(missing)}")
        if "name" in fields and (not isinstance(fields["name"], str) or not fields["name"].strip()):
            raise Invalid("name must be a non-empty string")
        if "endpoint" in fields:
            parts = urlsplit(str(fields["endpoint"]))
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise Invalid("endpoint must be an http or https URL")
        if "http_method" in fields and fields["http_method"] not in METHODS:
            raise Invalid(f"http_method must be one of {', '.join(METHODS)}")
        if "request_format" in fields and fields["request_format"] not in FORMATS:
            raise Invalid(f"request_format must be one of {', '.join(FORMATS)}")
        if "status" in fields and fields["status"] not in STATUSES:
            raise Invalid("status must be active or inactive")
        subs = fields.get("subscriptions")
        if subs is not None:
            if not isinstance(subs, list) or not all(isinstance(s, str) for s in subs):
                raise Invalid("subscriptions must be a list of strings")
            if CONDITIONAL in subs and len(subs) > 1:
                raise Invalid(f"{CONDITIONAL} cannot be combined with event subscriptions")
            if any(s != CONDITIONAL and not s.startswith("zen:event-type:") for s in subs):
                raise Invalid("unknown subscription")
            events = [s for s in subs if s != CONDITIONAL]
            method, fmt = fields.get("http_method", "POST"), fields.get("request_format", "json")
            if events and (method != "POST" or fmt != "json"):
                raise Invalid("a webhook subscribed to events must use POST and json")
        auth = fields.get("authentication")
        if auth is not None and (
            not isinstance(auth, dict) or auth.get("type") not in ("basic_auth", "bearer_token", "api_key")
        ):
            raise Invalid("authentication.type must be basic_auth, bearer_token or api_key")
        headers = fields.get("custom_headers")
        if headers is not None and (
            not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values())
        ):
            raise Invalid("custom_headers must be an object of strings")
        return fields

    # -- deliveries ---------------------------------------------------------------------------
    def delivery(self, stored: dict, body: bytes, **extra: Any) -> Delivery:
        return Delivery(
            webhook_id=stored["id"],
            url=stored["endpoint"],
            method=stored["http_method"],
            request_format=stored["request_format"],
            body=body if stored["http_method"] not in ("GET", "DELETE") else b"",
            secret=stored["_secret"],
            headers=extra_headers(stored),
            **extra,
        )

    def ticket_created(self, ticket: dict) -> None:
        """Webhooks subscribed to ``zen:event-type:ticket.created`` get the event."""
        for stored in self.all():
            if stored["status"] == "active" and "zen:event-type:ticket.created" in stored["subscriptions"]:
                event = ticket_created_event(ticket)
                body = json.dumps(event, separators=(",", ":")).encode("utf-8")
                self.sender.send(self.delivery(stored, body, ticket_id=ticket["id"], event_id=event["id"]))


def extra_headers(webhook: dict) -> dict[str, str]:
    """Custom headers and the authentication header a webhook adds to its requests."""
    headers = dict(webhook.get("custom_headers") or {})
    auth = webhook.get("authentication") or {}
    data = auth.get("data") or {}
    if auth.get("type") == "basic_auth" and "username" in data:
        token = f"{data['username']}:{data.get('password', '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
    elif auth.get("type") == "bearer_token" and "token" in data:
        headers["Authorization"] = f"Bearer {data['token']}"
    elif (
        auth.get("type") == "api_key" and auth.get("add_position", "header") == "header" and data.get("name")
    ):
        headers[str(data["name"])] = str(data.get("value", ""))
    return headers


# -- the API --------------------------------------------------------------------------------------
def register(router: Router, webhooks: Webhooks) -> None:
    def add(method: str, path: str, handler) -> None:
        router.add(method, r"/api/v2/" + path + r"(?:\.json)?", handler)

    def body(req: Request) -> dict:
        try:
            data = req.json()
        except ValueError:
            raise Invalid("the request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise Invalid("the request body must be a JSON object")
        return data

    def guarded(handler):
        def run(req: Request, **kw: str) -> Response:
            try:
                return handler(req, **kw)
            except Invalid as exc:
                return errors(400, "InvalidValue", "Invalid webhook", str(exc))

        return run

    def not_found(webhook_id: str) -> Response:
        return errors(404, "RecordNotFound", "Not Found", f"Webhook {webhook_id} not found")

    def list_webhooks(req: Request) -> Response:
        rows = [Webhooks.public(w) for w in webhooks.all()]
        name = (req.arg("filter[name_contains]") or "").casefold()
        status = req.arg("filter[status]")
        rows = [w for w in rows if name in w["name"].casefold() and (not status or w["status"] == status)]
        if req.arg("sort") in ("name", "status"):
            rows.sort(key=lambda w: (w[req.arg("sort")], w["id"]))
        try:
            size = int(req.arg("page[size]") or 100)
        except ValueError:
            raise Invalid("page[size] must be a number") from None
        size = max(1, min(size, 100))
        keys = [w["id"] for w in rows]
        start = keys.index(req.arg("page[after]")) + 1 if req.arg("page[after]") in keys else 0
        chunk = rows[start : start + size]
        more = start + len(chunk) < len(rows)
        after = chunk[-1]["id"] if chunk else None
        query = {k: v[-1] for k, v in req.query.items() if k != "page[after]"}
        query["page[size]"] = str(size)
        nxt = None
        if more:
            params = "&".join(f"{k}={v}" for k, v in {**query, "page[after]": after}.items())
            nxt = f"{req.base_url}/api/v2/webhooks?{params}"
        return json_response(
            {
                "webhooks": chunk,
                "meta": {
                    "has_more": more,
                    "after_cursor": after,
                    "before_cursor": chunk[0]["id"] if chunk else None,
                },
                "links": {"next": nxt, "prev": None},
            }
        )

    def create(req: Request) -> Response:
        return json_response({"webhook": webhooks.create(body(req).get("webhook"))}, 201)

    def show(req: Request, webhook_id: str) -> Response:
        stored = webhooks.get(webhook_id)
        return json_response({"webhook": Webhooks.public(stored)}) if stored else not_found(webhook_id)

    def update(req: Request, webhook_id: str, partial: bool = False) -> Response:
        data = body(req).get("webhook")
        if webhooks.get(webhook_id) is None:
            return not_found(webhook_id)
        if not webhooks.update(webhook_id, data, partial=partial):
            return not_found(webhook_id)
        return Response(204, b"", content_type="")

    def delete(req: Request, webhook_id: str) -> Response:
        if not webhooks.delete(webhook_id):
            return not_found(webhook_id)
        return Response(204, b"", content_type="")

    def signing_secret(req: Request, webhook_id: str) -> Response:
        reset = req.method == "POST"
        secret = webhooks.secret(webhook_id, reset=reset)
        if secret is None:
            return not_found(webhook_id)
        return json_response(
            {"signing_secret": {"algorithm": "sha256", "secret": secret}}, 201 if reset else 200
        )

    def test(req: Request) -> Response:
        spec = body(req).get("request")
        if not isinstance(spec, dict):
            raise Invalid("request is required")
        webhook_id = req.arg("webhook_id")
        base: dict = {"http_method": "POST", "request_format": "json", "_secret": TEST_SECRET}
        if webhook_id:
            stored = webhooks.get(webhook_id)
            if stored is None:
                return not_found(webhook_id)
            base = stored
        merged = {**base, **{k: v for k, v in spec.items() if k in WRITABLE}}
        merged.setdefault("id", webhook_id or "")
        merged.setdefault("endpoint", None)
        webhooks._validated({k: merged.get(k) for k in ("endpoint", "http_method", "request_format")}, True)
        if not merged.get("endpoint"):
            raise Invalid("endpoint is required")
        payload = spec.get("payload")
        if payload is None:
            payload = '{"message": {"body": "This is a test webhook from Zendesk"}}'
        if not isinstance(payload, str):
            payload = json.dumps(payload)
        delivery = webhooks.delivery(merged, payload.encode("utf-8"))
        for item in spec.get("headers") or []:
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                delivery.headers[item["key"]] = str(item.get("value", ""))
        session = plain_session()
        try:
            answer = send_once(session, delivery)
        except requests.RequestException as exc:
            return errors(
                400, "WebhookTestFailed", "The endpoint could not be reached", f"{type(exc).__name__}: {exc}"
            )
        finally:
            session.close()
        return json_response(
            {
                "response": {
                    "status": answer.status_code,
                    "headers": [{"key": k, "value": v} for k, v in answer.headers.items()],
                    "body": answer.text[:10_000],
                }
            }
        )

    add("GET", r"webhooks", guarded(list_webhooks))
    add("POST", r"webhooks", guarded(create))
    add("POST", r"webhooks/test", guarded(test))
    add("GET", r"webhooks/(?P<webhook_id>[^/.]+)", guarded(show))
    add("PUT", r"webhooks/(?P<webhook_id>[^/.]+)", guarded(update))
    add(
        "PATCH",
        r"webhooks/(?P<webhook_id>[^/.]+)",
        guarded(lambda req, **kw: update(req, partial=True, **kw)),
    )
    add("DELETE", r"webhooks/(?P<webhook_id>[^/.]+)", guarded(delete))
    add("GET", r"webhooks/(?P<webhook_id>[^/.]+)/signing_secret", guarded(signing_secret))
    add("POST", r"webhooks/(?P<webhook_id>[^/.]+)/signing_secret", guarded(signing_secret))
