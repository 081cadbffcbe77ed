"""Setting Zendesk up to tell the portal about new tickets, through Zendesk's API (zenpy).

``install`` creates (or brings back in line) one webhook to ``SITE_URL/webhooks/zendesk/`` and
one trigger "ticket is created -> notify the webhook" whose body is what the receiver reads
(``{"ticket_id": "{{ticket.id}}"}``), then reads the webhook's signing secret and compares it
with ``ZENDESK_WEBHOOK_SECRET``. Running it again changes nothing. ``remove`` deletes the
trigger and the webhook it installed (found by their names) and leaves everything else.
``test`` asks Zendesk to send the portal a signed test request and reports the answer.

Each Zendesk instance gets its own webhook, in that instance, to its own address
(``/webhooks/zendesk/`` for the global instance, ``/webhooks/zendesk/<instance>/`` for another),
checked against that instance's secret.
"""

from __future__ import annotations

import hmac
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from zenpy import Zenpy
from zenpy.lib.api_objects import Trigger, Webhook

from csmportal.instances import GLOBAL

from .errors import PermanentError
from .zendesk import ZendeskClient

WEBHOOK_NAME = "CSM Portal: new tickets"
WEBHOOK_DESCRIPTION = "Tells the CSM Portal about new tickets (manage.py zendesk_webhook install)."
TRIGGER_TITLE = "CSM Portal: notify on new ticket"
TRIGGER_DESCRIPTION = "Sends the id of each new ticket to the CSM Portal's webhook."
# What the receiver (integrations/webhooks.py) reads: the ticket id, rendered by Zendesk.
TRIGGER_BODY = '{"ticket_id": "{{ticket.id}}"}'
CONDITIONAL = "conditional_ticket_events"
TEST_EVENT = "zen:event-type:csm_portal.webhook_test"  # a non-ticket event: acknowledged, ignored


def webhook_endpoint(instance: str = GLOBAL) -> str:
    """The address an instance's webhook points at."""
    if instance == GLOBAL:
        return settings.SITE_URL.rstrip("/") + reverse("integrations:zendesk_webhook")
    path = reverse("integrations:zendesk_webhook_instance", kwargs={"instance": instance})
    return settings.SITE_URL.rstrip("/") + path


def desired_webhook(endpoint: str) -> dict[str, Any]:
    return {
        "name": WEBHOOK_NAME,
        "description": WEBHOOK_DESCRIPTION,
        "endpoint": endpoint,
        "http_method": "POST",
        "request_format": "json",
        "status": "active",
        "subscriptions": [CONDITIONAL],
    }


def desired_trigger(webhook_id: str) -> dict[str, Any]:
    return {
        "title": TRIGGER_TITLE,
        "description": TRIGGER_DESCRIPTION,
        "active": True,
        "conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}], "any": []},
        "actions": [{"field": "notification_webhook", "value": [webhook_id, TRIGGER_BODY]}],
    }


@dataclass
class InstallReport:
    endpoint: str
    webhook_id: str = ""
    webhook: str = ""  # created, updated, unchanged
    trigger_id: int = 0
    trigger: str = ""
    secret_matches: bool = False
    secret_configured: bool = False
    secret: str = field(default="", repr=False)  # the webhook's, to tell the admin when it differs
    warnings: list[str] = field(default_factory=list)


@dataclass
class RemoveReport:
    triggers: list[str] = field(default_factory=list)
    webhooks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class TestReport:
    endpoint: str
    status: int
    body: str


def _plain(value: Any) -> Any:
    """zenpy objects and lists as plain JSON data (to compare with what we want)."""
    return json.loads(json.dumps(value, default=lambda o: o.to_dict() if hasattr(o, "to_dict") else str(o)))


def _conditions(value: Any) -> dict[str, list]:
    data = _plain(value) or {}
    return {
        group: [
            {"field": c.get("field"), "operator": c.get("operator") or "is", "value": c.get("value")}
            for c in data.get(group) or []
        ]
        for group in ("all", "any")
    }


def _fires(trigger: Any, webhook_ids: set[str]) -> bool:
    """Whether one of the trigger's actions notifies one of these webhooks."""
    return any(
        action.get("field") == "notification_webhook"
        and isinstance(action.get("value"), list)
        and bool(action["value"])
        and str(action["value"][0]) in webhook_ids
        for action in _plain(trigger.actions) or []
    )


class ZendeskSetup:
    """The three operations, on one zenpy client."""

    def __init__(self, zenpy: Zenpy, endpoint: str, instance: str = GLOBAL) -> None:
        self.zenpy = zenpy
        self.endpoint = endpoint
        self.instance = instance

    @classmethod
    def from_settings(cls, instance: str = GLOBAL) -> ZendeskSetup:
        """The setup of one configured instance (KeyError for an unknown one)."""
        # zenpy with the sync's session: the sandbox's CA, and 4xx/5xx raised as our errors.
        client = ZendeskClient.for_instance(instance, may_wait=True)
        return cls(client._zenpy_client(), webhook_endpoint(instance), instance)

    # -- finding what was installed ----------------------------------------------------------
    def _webhooks(self) -> list[Any]:
        return list(self.zenpy.webhooks.list())

    def _ours(self, webhooks: list[Any]) -> list[Any]:
        """Ours by name; else one a person made by hand for the same endpoint (adopted)."""
        named = [w for w in webhooks if w.name == WEBHOOK_NAME]
        if named:
            return named
        return [
            w for w in webhooks if w.endpoint == self.endpoint and (w.subscriptions or []) == [CONDITIONAL]
        ]

    def _triggers(self) -> list[Any]:
        return list(self.zenpy.triggers())

    # -- install ---------------------------------------------------------------------------
    def install(self, configured_secret: str) -> InstallReport:
        report = InstallReport(endpoint=self.endpoint)
        want = desired_webhook(self.endpoint)
        ours = self._ours(self._webhooks())
        if not ours:
            created = self.zenpy.webhooks.create(Webhook(**want))
            report.webhook_id, report.webhook = str(created.id), "created"
        else:
            current = ours[0]
            report.webhook_id = str(current.id)
            have = {key: _plain(getattr(current, key, None)) for key in want}
            if have == want:
                report.webhook = "unchanged"
            else:
                # A PUT replaces the webhook: send every field (zenpy sends what the object has).
                self.zenpy.webhooks.update(current.id, Webhook(**want))
                report.webhook = "updated"
            for extra in ours[1:]:
                report.warnings.append(
                    f"Another webhook named {extra.name!r} ({extra.id}) exists; `remove` deletes it too."
                )

        self._install_trigger(report)
        secret = self.zenpy.webhooks.show_secret(report.webhook_id).secret or ""
        report.secret_configured = bool(configured_secret)
        report.secret_matches = bool(configured_secret) and hmac.compare_digest(
            secret.encode(), configured_secret.encode()
        )
        report.secret = "" if report.secret_matches else secret
        return report

    def _install_trigger(self, report: InstallReport) -> None:
        want = desired_trigger(report.webhook_id)
        triggers = self._triggers()
        mine = [t for t in triggers if t.title == TRIGGER_TITLE]
        others = [t for t in triggers if t.title != TRIGGER_TITLE and _fires(t, {report.webhook_id})]
        for other in others:
            report.warnings.append(
                f"The trigger {other.title!r} ({other.id}) also notifies the portal's webhook: "
                "each new ticket would be sent twice. Delete it in Zendesk if a person made it."
            )
        if not mine:
            created = self.zenpy.triggers.create(Trigger(**want))
            report.trigger_id, report.trigger = int(created.id), "created"
            return
        current = mine[0]
        report.trigger_id = int(current.id)
        have = {
            "title": current.title,
            "description": current.description,
            "active": current.active,
            "conditions": _conditions(current.conditions),
            "actions": _plain(current.actions),
        }
        if have == want:
            report.trigger = "unchanged"
        else:
            self.zenpy.triggers.update(Trigger(id=current.id, **want))
            report.trigger = "updated"
        for extra in mine[1:]:
            report.warnings.append(
                f"Another trigger titled {extra.title!r} ({extra.id}) exists; `remove` deletes it too."
            )

    # -- remove ------------------------------------------------------------------------------
    def remove(self) -> RemoveReport:
        report = RemoveReport()
        ours = [w for w in self._webhooks() if w.name == WEBHOOK_NAME]
        ids = {str(w.id) for w in ours}
        for trigger in self._triggers():
            if trigger.title == TRIGGER_TITLE:
                self.zenpy.triggers.delete(trigger)
                report.triggers.append(f"{trigger.title} ({trigger.id})")
            elif _fires(trigger, ids):
                report.warnings.append(
                    f"The trigger {trigger.title!r} ({trigger.id}) notified the removed webhook; "
                    "it is left as it is: edit or delete it in Zendesk."
                )
        for webhook in ours:
            self.zenpy.webhooks.delete(webhook)
            report.webhooks.append(f"{webhook.name} ({webhook.id})")
        return report

    # -- test ------------------------------------------------------------------------------------
    def test(self) -> TestReport:
        ours = self._ours(self._webhooks())
        if not ours:
            raise PermanentError(
                "The webhook is not installed: run `manage.py zendesk_webhook install` first."
            )
        payload = json.dumps({"type": TEST_EVENT, "id": str(uuid.uuid4()), "detail": {}})
        result = self.zenpy.webhooks.test(ours[0].id, request={"payload": payload})
        answer = _plain(getattr(result, "response", None) or result) or {}
        return TestReport(
            endpoint=str(ours[0].endpoint),
            status=int(answer.get("status") or 0),
            body=str(answer.get("body") or ""),
        )
