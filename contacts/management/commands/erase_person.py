"""Erase a person's personal data from the portal on a request that reached it directly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contacts.erase import person_erase


class Command(BaseCommand):
    help = (
        "Clear a person's name and email from every table of the portal and mark their "
        "contact and support-user rows deleted. Erase them in Zendesk and Salesforce too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="the person's email address")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            result = person_erase(email=email)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        tables = ", ".join(f"{label} {n}" for label, n in sorted(result.tables.items())) or "nothing found"
        self.stdout.write(f"Erased: {result.rows} row(s) ({tables}).")
