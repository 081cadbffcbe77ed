"""python manage.py sandbox_ticket [--org ... | --account ...]: a customer opens a ticket in the
running sandbox.

It goes through the sandbox's real API (POST /api/v2/tickets.json over HTTPS, trusting the
sandbox's CA), so the sandbox runs its triggers (and their webhooks) as Zendesk would. Without
`--org` it does what the demo's "Open a ticket as this customer" button does: an end user of
one of the account's organizations (`--account`, else an account with a CSM) opens it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.config import SandboxConfig
from sandbox.customer import CustomerError, customer_session, ticket_open, ticket_payload
from sandbox.tickets import PRIORITIES, REGIONS


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # needs no database or models
    help = "Open a ticket as a customer of an organization, through the running sandbox's API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="Zendesk organization id or exact name (asks the sandbox)")
        parser.add_argument(
            "--account",
            help="portal account id or exact name (default: an account with a CSM): as the demo's button",
        )
        parser.add_argument("--subject", help="subject (default: a generated one)")
        parser.add_argument("--description", help="first comment (default: a generated one)")
        parser.add_argument("--priority", choices=PRIORITIES, help="default: random")
        parser.add_argument(
            "--region", choices=REGIONS, help="Preferred Region for Support (default: random)"
        )
        parser.add_argument("--requester", help="requester email (default: a member of the org)")
        parser.add_argument("--url", help="sandbox URL (default: settings.SANDBOX_URL)")
        parser.add_argument(
            "--instance",
            default="global",
            help="with --org: the Zendesk instance (a ZENDESK_INSTANCES key; default global)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if not getattr(settings, "SANDBOX", False):
            raise CommandError(
                "SANDBOX is off: this command acts as a customer of the demo's sandbox. Run it with the "
                "demo's environment (DEBUG=true DEMO=true SANDBOX=true, as `make run`), or `make ticket`."
            )
        instance = options["instance"].strip().lower()
        if not options.get("org"):
            if instance != "global":
                raise CommandError("--instance goes with --org (an organization of that instance)")
            self._as_the_button(options.get("account") or "")
            return
        config = SandboxConfig.from_django_settings()

        base = (
            options.get("url") or getattr(settings, "SANDBOX_URL", "") or "https://127.0.0.1:8443"
        ).rstrip("/")
        try:
            session = customer_session(config, instance)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            org = self._find_org(session, base, options["org"])
            requester = None
            if not options.get("requester"):
                users = (
                    self._get(session, f"{base}/api/v2/organizations/{org['id']}/users.json").get("users")
                    or []
                )
                requester = users[0] if users else None
            payload = ticket_payload(
                org,
                requester,
                subject=options.get("subject"),
                description=options.get("description"),
                priority=options.get("priority"),
                region=options.get("region"),
                requester_email=options.get("requester"),
            )
            ticket = ticket_open(session, base, payload)
        except requests.RequestException as exc:
            raise CommandError(f"the sandbox at {base} is not reachable: {exc}") from exc
        except CustomerError as exc:
            raise CommandError(str(exc)) from exc
        where = "" if instance == "global" else f" in {instance}"
        self.stdout.write(
            f"Ticket #{ticket['id']} opened for {org['name']}{where}: {ticket['subject']} "
            f"(priority {ticket['priority'] or 'none'})"
        )

    def _as_the_button(self, value: str) -> None:
        from accounts.models import Account
        from notifications.demo import DemoUnavailable, demo_account_for, demo_ticket_open

        if value:
            by = {"pk": int(value)} if value.isdecimal() else {"name__iexact": value}
            account = Account.objects.live().filter(**by).first()
            if account is None:
                raise CommandError(f"no account {value!r} in the portal")
        else:
            account = demo_account_for(None)
            if account is None:
                raise CommandError(
                    "no account with a CSM and a Zendesk organization yet: is the first sync done?"
                )
        try:
            opened = demo_ticket_open(account=account)
        except DemoUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Ticket #{opened.zd_id} opened by {opened.requester} of {opened.organization} "
            f"(account {account.name}): {opened.subject}"
        )

    def _get(self, session: requests.Session, url: str) -> dict:
        response = session.get(url, timeout=15)
        if response.status_code == 404:
            return {}
        if response.status_code != 200:
            raise CommandError(f"GET {url}: {response.status_code} {response.text[:200]}")
        return response.json()

    def _find_org(self, session: requests.Session, base: str, value: str) -> dict:
        if value.isdecimal():
            org = self._get(session, f"{base}/api/v2/organizations/{value}.json").get("organization")
        else:
            found = self._get(session, f"{base}/api/v2/organizations/search.json?name={quote(value)}")
            orgs = found.get("organizations") or []
            org = orgs[0] if orgs else None
        if not org:
            raise CommandError(f"no organization {value!r} in the sandbox")
        return org
