"""``python manage.py connections check``: can the portal sync Zendesk and Salesforce as configured?

Prints every check (ok, warning or error, and for the last two what to do) and exits 1 on any
error, so a deploy can be gated on it. The Connections page runs the same check.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations import connections

MARKS = {"ok": "  ok   ", "warning": "warning", "error": " ERROR "}


class Command(BaseCommand):
    help = "Check the Zendesk and Salesforce connections (credentials, fields, limits, webhook)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check"], help="check: run every connection check")

    def handle(self, *args: Any, **options: Any) -> None:
        result = connections.run()
        for check in result.checks:
            self.stdout.write(f"[{MARKS[check.status]}] {check.source}: {check.name}: {check.detail}")
            if check.fix:
                self.stdout.write(f"          -> {check.fix}")
        summary = f"{result.errors} error(s), {result.warnings} warning(s), {len(result.checks)} checks."
        if result.errors:
            raise CommandError(f"The connections are not ready: {summary}")
        self.stdout.write(self.style.SUCCESS(f"The connections are ready: {summary}"))
