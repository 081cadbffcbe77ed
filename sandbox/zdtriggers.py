"""Zendesk's Triggers API (create, list, show, update, delete) and the triggers running.

Shapes follow Zendesk's Triggers API reference: ``{"trigger": {...}}`` with an integer id,
``conditions: {"all": [...], "any": [...]}`` of ``{field, operator, value}`` and ``actions`` of
``{field, value}``; 201 on create, 200 on update, 204 on delete, 404 ``RecordNotFound``, 422
``RecordInvalid``; the list is paginated like other Support lists (offset, or cursor with
``page[size]``).

The sandbox runs triggers when a ticket is created (ticket updates run none). It understands
the conditions listed in CONDITIONS and one action, ``notification_webhook`` (``value``:
``[webhook_id, body]``): the webhook is sent ``body`` with its placeholders rendered (see
PLACEHOLDERS). Anything else is refused with 422 rather than accepted and silently ignored.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from typing import TYPE_CHECKING, Any

from .ids import iso_z
from .web import Request, Response, Router, json_response
from .zdcommon import NOT_FOUND, error, invalid, paginate
from .zdwebhooks import CONDITIONAL, Webhooks

if TYPE_CHECKING:
    from .state import State

TRIGGER_BASE = 360_100_000_000
CATEGORY_ID = "360000123451"  # the account's one trigger category
STATUS_ORDER = ["new", "open", "pending", "hold", "solved", "closed"]
PRIORITY_ORDER = ["low", "normal", "high", "urgent"]
EQUALITY = ("is", "is_not")
ORDERED = ("is", "is_not", "less_than", "greater_than")
CONDITIONS: dict[str, tuple[str, ...]] = {
    "update_type": ("is",),
    "status": ORDERED,
    "priority": ORDERED,
    "type": EQUALITY,
    "organization_id": EQUALITY,
    "group_id": EQUALITY,
    "assignee_id": EQUALITY,
    "requester_id": EQUALITY,
    "brand_id": EQUALITY,
    "current_tags": ("includes", "not_includes"),
}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_.]{1,80})\s*\}\}")


class TriggerInvalid(ValueError):
    def __init__(self, message: str, field: str = "base") -> None:
        super().__init__(message)
        self.field = field


class Triggers:
    def __init__(self, state: State, webhooks: Webhooks) -> None:
        self.state = state
        self.webhooks = webhooks
        self.lock = threading.Lock()
        self.items: dict[int, dict] = {}
        self.next_id = TRIGGER_BASE + 1

    # -- the store --------------------------------------------------------------------------
    def create(self, data: Any, base_url: str) -> dict:
        fields = self._validated(data, partial=False)
        now = iso_z(self.state.clock())
        with self.lock:
            trigger_id = self.next_id
            self.next_id += 1
            position = fields.pop("position", None)
            if position is None:
                position = max((t["position"] for t in self.items.values()), default=0) + 1
            trigger = {
                "url": f"{base_url}/api/v2/triggers/{trigger_id}.json",
                "id": trigger_id,
                "title": fields["title"],
                "raw_title": fields["title"],
                "description": fields.get("description"),
                "active": fields.get("active", True),
                "position": position,
                "conditions": fields["conditions"],
                "actions": fields["actions"],
                "category_id": fields.get("category_id") or CATEGORY_ID,
                "default": False,
                "created_at": now,
                "updated_at": now,
            }
            self.items[trigger_id] = trigger
            return copy.deepcopy(trigger)

    def update(self, trigger_id: int, data: Any) -> dict | None:
        fields = self._validated(data, partial=True)
        with self.lock:
            trigger = self.items.get(trigger_id)
            if trigger is None:
                return None
            trigger.update(fields)
            if "title" in fields:
                trigger["raw_title"] = fields["title"]
            trigger["updated_at"] = iso_z(self.state.clock())
            return copy.deepcopy(trigger)

    def delete(self, trigger_id: int) -> bool:
        with self.lock:
            return self.items.pop(trigger_id, None) is not None

    def get(self, trigger_id: int) -> dict | None:
        with self.lock:
            trigger = self.items.get(trigger_id)
            return copy.deepcopy(trigger) if trigger else None

    def all(self) -> list[dict]:
        with self.lock:
            return [
                copy.deepcopy(t) for t in sorted(self.items.values(), key=lambda t: (t["position"], t["id"]))
            ]

    def _validated(self, data: Any, partial: bool) -> dict:
        if not isinstance(data, dict):
            raise TriggerInvalid("trigger is required")
        fields: dict = {}
        if "title" in data or not partial:
            title = data.get("title")
            if not isinstance(title, str) or not title.strip():
                raise TriggerInvalid("Title: cannot be blank", "title")
            fields["title"] = title
        if "description" in data:
            fields["description"] = None if data["description"] is None else str(data["description"])
        if "active" in data:
            if not isinstance(data["active"], bool):
                raise TriggerInvalid("active must be true or false", "active")
            fields["active"] = data["active"]
        if data.get("position") is not None:
            if not isinstance(data["position"], int) or isinstance(data["position"], bool):
                raise TriggerInvalid("position must be a number", "position")
            fields["position"] = data["position"]
        if data.get("category_id") is not None:
            fields["category_id"] = str(data["category_id"])
        if "conditions" in data or not partial:
            fields["conditions"] = self._conditions(data.get("conditions"))
        if "actions" in data or not partial:
            fields["actions"] = self._actions(data.get("actions"))
        return fields

    @staticmethod
    def _conditions(value: Any) -> dict:
        if not isinstance(value, dict):
            raise TriggerInvalid("Conditions: at least one condition is required", "conditions")
        result: dict[str, list] = {"all": [], "any": []}
        for group in ("all", "any"):
            items = value.get(group) or []
            if not isinstance(items, list):
                raise TriggerInvalid(f"conditions.{group} must be a list", "conditions")
            for item in items:
                if not isinstance(item, dict) or item.get("field") not in CONDITIONS:
                    raise TriggerInvalid(
                        f"Condition field {item.get('field') if isinstance(item, dict) else item!r} "
                        "is not supported by the sandbox",
                        "conditions",
                    )
                operator = item.get("operator") or "is"
                if operator not in CONDITIONS[item["field"]]:
                    raise TriggerInvalid(
                        f"Operator {operator!r} is invalid for {item['field']}", "conditions"
                    )
                if item["field"] == "update_type" and item.get("value") not in ("Create", "Change"):
                    raise TriggerInvalid("update_type must be Create or Change", "conditions")
                result[group].append(
                    {"field": item["field"], "operator": operator, "value": item.get("value")}
                )
        if not result["all"] and not result["any"]:
            raise TriggerInvalid("Conditions: at least one condition is required", "conditions")
        return result

    def _actions(self, value: Any) -> list:
        if not isinstance(value, list) or not value:
            raise TriggerInvalid("Actions: at least one action is required", "actions")
        result = []
        for item in value:
            if not isinstance(item, dict) or item.get("field") != "notification_webhook":
                raise TriggerInvalid(
                    "Only the notification_webhook action is supported by the sandbox", "actions"
                )
            target = item.get("value")
            if (
                not isinstance(target, list)
                or len(target) != 2
                or not isinstance(target[0], str)
                or not isinstance(target[1], str)
            ):
                raise TriggerInvalid("notification_webhook takes [webhook_id, body]", "actions")
            if self.webhooks.get(target[0]) is None:
                raise TriggerInvalid(f"Webhook {target[0]} does not exist", "actions")
            result.append({"field": "notification_webhook", "value": list(target)})
        return result

    # -- running ------------------------------------------------------------------------------
    def ticket_created(self, ticket: dict) -> None:
        """Fire every active trigger whose conditions a new ticket meets, in position order."""
        for trigger in self.all():
            if not trigger["active"] or not self._matches(trigger["conditions"], ticket):
                continue
            for action in trigger["actions"]:
                webhook_id, body = action["value"]
                webhook = self.webhooks.get(webhook_id)
                if (
                    webhook is None
                    or webhook["status"] != "active"
                    or CONDITIONAL not in webhook["subscriptions"]
                ):
                    continue
                rendered = render(body, self._context(ticket), webhook["request_format"])
                self.webhooks.sender.send(
                    self.webhooks.delivery(
                        webhook, rendered.encode("utf-8"), ticket_id=ticket["id"], trigger_id=trigger["id"]
                    )
                )

    @staticmethod
    def _matches(conditions: dict, ticket: dict) -> bool:
        checks = [condition_holds(c, ticket, created=True) for c in conditions["any"]]
        return all(condition_holds(c, ticket, created=True) for c in conditions["all"]) and (
            not checks or any(checks)
        )

    def _context(self, ticket: dict) -> dict[str, Any]:
        world = self.state.world
        org = world.org_by_id.get(ticket.get("organization_id") or 0) or {}
        requester = world.user_by_id.get(ticket.get("requester_id") or 0) or {}
        link = f"{self.state.config.zendesk_subdomain}.zendesk.com/agent/tickets/{ticket['id']}"
        return {
            "ticket.id": ticket["id"],
            "ticket.title": ticket.get("subject"),
            "ticket.description": ticket.get("description"),
            "ticket.status": (ticket.get("status") or "").title(),
            "ticket.priority": (ticket.get("priority") or "").title(),
            "ticket.ticket_type": (ticket.get("type") or "").title(),
            "ticket.tags": " ".join(ticket.get("tags") or []),
            "ticket.url": link,
            "ticket.link": f"https://{link}",
            "ticket.created_at_with_timestamp": ticket.get("created_at"),
            "ticket.updated_at_with_timestamp": ticket.get("updated_at"),
            "ticket.organization.id": org.get("id"),
            "ticket.organization.name": org.get("name"),
            "ticket.requester.id": requester.get("id"),
            "ticket.requester.name": requester.get("name"),
            "ticket.requester.email": requester.get("email"),
        }


PLACEHOLDERS = (
    "ticket.id, ticket.title, ticket.description, ticket.status, ticket.priority, ticket.ticket_type, "
    "ticket.tags, ticket.url, ticket.link, ticket.created_at_with_timestamp, "
    "ticket.updated_at_with_timestamp, ticket.organization.id, ticket.organization.name, "
    "ticket.requester.id, ticket.requester.name, ticket.requester.email"
)


def render(body: str, context: dict[str, Any], request_format: str) -> str:
    """Replace ``{{placeholders}}`` (unknown ones render empty, as in Zendesk); in a JSON body
    the values are escaped so the body stays valid JSON."""

    def value(match: re.Match) -> str:
        found = context.get(match.group(1))
        text = "" if found is None else str(found)
        return json.dumps(text)[1:-1] if request_format == "json" else text

    return PLACEHOLDER.sub(value, body)


def condition_holds(condition: dict, ticket: dict, created: bool) -> bool:
    field, operator, expected = condition["field"], condition["operator"], condition["value"]
    if field == "update_type":
        return (expected == "Create") == created
    if field == "current_tags":
        wanted = set(str(expected or "").split())
        present = bool(wanted & set(ticket.get("tags") or []))
        return present if operator == "includes" else not present
    actual = ticket.get(field)
    if field in ("status", "priority") and operator in ("less_than", "greater_than"):
        order = STATUS_ORDER if field == "status" else PRIORITY_ORDER
        if actual not in order or expected not in order:
            return False
        diff = order.index(actual) - order.index(expected)
        return diff < 0 if operator == "less_than" else diff > 0
    same = ("" if actual is None else str(actual)) == ("" if expected is None else str(expected))
    return same if operator == "is" else not same


# -- the API --------------------------------------------------------------------------------------
def register(router: Router, triggers: Triggers) -> None:
    def add(method: str, path: str, handler) -> None:
        router.add(method, r"/api/v2/" + path + r"(?:\.json)?", guarded(handler))

    def guarded(handler):
        def run(req: Request, **kw: str) -> Response:
            try:
                return handler(req, **kw)
            except TriggerInvalid as exc:
                return invalid(str(exc), exc.field)
            except ValueError:
                return error(400, "InvalidJSON", "The request body is not valid JSON")

        return run

    def payload(req: Request) -> Any:
        data = req.json()
        return data.get("trigger") if isinstance(data, dict) else None

    def list_triggers(req: Request) -> Response:
        rows = triggers.all()
        active = req.arg("active")
        if active in ("true", "false"):
            rows = [t for t in rows if t["active"] == (active == "true")]
        return paginate(
            req, "triggers", rows, "/api/v2/triggers.json", sort_key=lambda t: [t["position"], t["id"]]
        )

    def create(req: Request) -> Response:
        return json_response({"trigger": triggers.create(payload(req), req.base_url)}, 201)

    def show(req: Request, trigger_id: str) -> Response:
        trigger = triggers.get(int(trigger_id))
        return json_response({"trigger": trigger}) if trigger else json_response(NOT_FOUND, 404)

    def update(req: Request, trigger_id: str) -> Response:
        if triggers.get(int(trigger_id)) is None:
            return json_response(NOT_FOUND, 404)
        trigger = triggers.update(int(trigger_id), payload(req))
        return json_response({"trigger": trigger}) if trigger else json_response(NOT_FOUND, 404)

    def delete(req: Request, trigger_id: str) -> Response:
        if not triggers.delete(int(trigger_id)):
            return json_response(NOT_FOUND, 404)
        return Response(204, b"", content_type="")

    add("GET", r"triggers", list_triggers)
    add("POST", r"triggers", create)
    add("GET", r"triggers/(?P<trigger_id>\d+)", show)
    add("PUT", r"triggers/(?P<trigger_id>\d+)", update)
    add("DELETE", r"triggers/(?P<trigger_id>\d+)", delete)
