"""python manage.py zendesk_webhook install|remove|test: set up Zendesk's webhook and trigger."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from zenpy.lib.exception import ZenpyException

from integrations.errors import SyncError
from integrations.zendesk_setup import TRIGGER_TITLE, WEBHOOK_NAME, InstallReport, ZendeskSetup


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # talks to Zendesk only
    help = (
        "install: create or update the Zendesk webhook to SITE_URL/webhooks/zendesk/ and the trigger "
        "'ticket created -> notify it', and check ZENDESK_WEBHOOK_SECRET; remove: delete them; "
        "test: have Zendesk send the portal a signed test request."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("install", "remove", "test"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            setup = ZendeskSetup.from_settings()
            getattr(self, f"_{options['action']}")(setup)
        except (SyncError, ZenpyException) as exc:
            raise CommandError(f"Zendesk: {exc}") from exc
        except requests.RequestException as exc:
            raise CommandError(f"Zendesk is not reachable: {type(exc).__name__}: {exc}") from exc

    def _install(self, setup: ZendeskSetup) -> None:
        report = setup.install(settings.ZENDESK_WEBHOOK_SECRET or "")
        self.stdout.write(
            f'Webhook "{WEBHOOK_NAME}" -> {report.endpoint}: {report.webhook} (id {report.webhook_id})'
        )
        self.stdout.write(
            f'Trigger "{TRIGGER_TITLE}" (ticket is created -> notify the webhook): '
            f"{report.trigger} (id {report.trigger_id})"
        )
        parts = urlsplit(report.endpoint)
        if not settings.SANDBOX and (
            parts.scheme != "https" or parts.hostname in ("localhost", "127.0.0.1", "::1")
        ):
            report.warnings.append(
                f"SITE_URL is {settings.SITE_URL}: Zendesk can only reach a public https address; "
                "set SITE_URL to the portal's public address and run install again."
            )
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
        self._secret(report)

    def _secret(self, report: InstallReport) -> None:
        if report.secret_matches:
            self.stdout.write("Signing secret: matches ZENDESK_WEBHOOK_SECRET.")
            return
        problem = (
            "is not set" if not report.secret_configured else "does not match the webhook's signing secret"
        )
        self.stderr.write(
            f"Signing secret: ZENDESK_WEBHOOK_SECRET {problem}; until it matches, the portal refuses every "
            "delivery (401).\n"
            "Set it in the portal's environment (web server) and restart it:\n"
            f"    ZENDESK_WEBHOOK_SECRET={report.secret}\n"
            "Then run `python manage.py zendesk_webhook install` again: it should say the secret matches."
        )

    def _remove(self, setup: ZendeskSetup) -> None:
        report = setup.remove()
        for name in report.triggers:
            self.stdout.write(f"Trigger deleted: {name}")
        for name in report.webhooks:
            self.stdout.write(f"Webhook deleted: {name}")
        if not report.triggers and not report.webhooks:
            self.stdout.write("Nothing to remove: no webhook or trigger of the portal in Zendesk.")
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")

    def _test(self, setup: ZendeskSetup) -> None:
        report = setup.test()
        if 200 <= report.status < 300:
            self.stdout.write(
                f"The portal ({report.endpoint}) accepted a signed test request ({report.status})."
            )
            return
        if report.status == 401:
            raise CommandError(
                f"The portal ({report.endpoint}) refused the test request's signature (401): "
                "ZENDESK_WEBHOOK_SECRET differs from the webhook's signing secret. "
                "Run `python manage.py zendesk_webhook install` to see the value to set."
            )
        raise CommandError(f"The portal ({report.endpoint}) answered {report.status}: {report.body[:300]}")
