"""python manage.py zendesk_webhook install|remove|test [--instance KEY | --all]: set up a Zendesk
instance's webhook and trigger (the global instance's unless told otherwise)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from zenpy.lib.exception import ZenpyException

from csmportal import instances
from csmportal.instances import GLOBAL
from integrations.errors import SyncError
from integrations.zendesk import variable
from integrations.zendesk_setup import TRIGGER_TITLE, WEBHOOK_NAME, InstallReport, ZendeskSetup


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # talks to Zendesk only
    help = (
        "install: create or update the Zendesk webhook to SITE_URL/webhooks/zendesk/ (another "
        "instance's: SITE_URL/webhooks/zendesk/<instance>/) and the trigger 'ticket created -> notify "
        "it', and check the instance's webhook secret; remove: delete them; test: have Zendesk send "
        "the portal a signed test request."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("install", "remove", "test"))
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--instance",
            default=GLOBAL,
            metavar="KEY",
            help="The Zendesk instance (a key of ZENDESK_INSTANCES; default: global).",
        )
        which.add_argument("--all", action="store_true", help="Every configured Zendesk instance, in turn.")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = instances.keys()
        if options["all"]:
            chosen = keys
        elif options["instance"] in keys:
            chosen = [options["instance"]]
        else:
            raise CommandError(
                f"No Zendesk instance {options['instance']!r} is configured; instances: {', '.join(keys)}."
            )
        failed = []
        for key in chosen:
            if len(chosen) > 1:
                self.stdout.write(f"== Zendesk instance {key} ({instances.get(key).name})")
            try:
                self._one(options["action"], key)
            except CommandError as exc:
                if len(chosen) == 1:
                    raise
                self.stderr.write(f"{key}: {exc}")  # the other instances still get their turn
                failed.append(key)
        if failed:
            raise CommandError(f"Failed for: {', '.join(failed)}.")

    def _one(self, action: str, key: str) -> None:
        prefix = "Zendesk" if key == GLOBAL else f"Zendesk ({key})"
        try:
            setup = ZendeskSetup.from_settings(key)
            getattr(self, f"_{action}")(setup)
        except (SyncError, ZenpyException) as exc:
            raise CommandError(f"{prefix}: {exc}") from exc
        except requests.RequestException as exc:
            raise CommandError(f"{prefix} is not reachable: {type(exc).__name__}: {exc}") from exc

    def _install(self, setup: ZendeskSetup) -> None:
        report = setup.install(instances.get(setup.instance).webhook_secret)
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
        self._secret(report, setup.instance)

    def _secret(self, report: InstallReport, instance: str) -> None:
        name = variable(instance, "WEBHOOK_SECRET")
        if report.secret_matches:
            self.stdout.write(f"Signing secret: matches {name}.")
            return
        problem = (
            "is not set" if not report.secret_configured else "does not match the webhook's signing secret"
        )
        again = "" if instance == GLOBAL else f" --instance {instance}"
        self.stderr.write(
            f"Signing secret: {name} {problem}; until it matches, the portal refuses every "
            "delivery (401).\n"
            "Set it in the portal's environment (web server) and restart it:\n"
            f"    {name}={report.secret}\n"
            f"Then run `python manage.py zendesk_webhook install{again}` again: "
            "it should say the secret matches."
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
            again = "" if setup.instance == GLOBAL else f" --instance {setup.instance}"
            raise CommandError(
                f"The portal ({report.endpoint}) refused the test request's signature (401): "
                f"{variable(setup.instance, 'WEBHOOK_SECRET')} differs from the webhook's signing secret. "
                f"Run `python manage.py zendesk_webhook install{again}` to see the value to set."
            )
        raise CommandError(f"The portal ({report.endpoint}) answered {report.status}: {report.body[:300]}")
