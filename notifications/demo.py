"""The demo's headline: open a ticket as a customer of an account and watch the bell.

Only with `SANDBOX` on. The ticket goes through the sandbox's customer API
(`POST /api/v2/tickets.json`, as `manage.py sandbox_ticket`), as one of the end users of one of
the account's organizations, with realistic generated text; the sandbox runs the trigger, its
webhook reaches the portal, and the urgent worker notifies the account's CSM and followers.
"""

import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from accounts.models import Account, Organization
from accounts.recipients import organization_link_trusted, trusted_organizations
from contacts.models import SupportUser


class DemoUnavailable(Exception):
    """The demo cannot open a ticket for this account (the message says why, to the user)."""


@dataclass(frozen=True)
class DemoTicket:
    zd_id: int
    subject: str
    requester: str
    organization: str


def demo_enabled() -> bool:
    return bool(getattr(settings, "SANDBOX", False))


def demo_customer(account: Account) -> tuple[Organization, SupportUser | None]:
    """One of the account's organizations and one of its end users: the account's own customer,
    so an organization whose link is trusted (its name or domain is the account's, or someone
    confirmed it) before one that merely claims the account."""
    orgs = list(Organization.objects.live().filter(account=account, zd_id__isnull=False).order_by("pk"))
    if not orgs:
        raise DemoUnavailable(f"{account.name} has no Zendesk organization to open a ticket from.")
    trusted = [org for org in orgs if organization_link_trusted(org, account)]
    people = list(
        SupportUser.objects.live()
        .filter(organization__in=trusted or orgs, role="end-user", active=True, suspended=False)
        .exclude(email="")
        .select_related("organization")
        .order_by("pk")[:50]
    )
    if not people:
        return (trusted or orgs)[0], None
    person = random.choice(people)
    assert person.organization is not None
    return person.organization, person


def demo_ticket_open(*, account: Account) -> DemoTicket:
    """Open a realistic ticket as one of the account's customers through the sandbox's API."""
    if not demo_enabled():
        raise DemoUnavailable("Opening a ticket as a customer works only in the demo (SANDBOX on).")
    from sandbox.config import SandboxConfig
    from sandbox.customer import CustomerError, customer_session, ticket_open, ticket_payload

    org, person = demo_customer(account)
    requester = {"id": person.zd_id, "name": person.name} if person else None
    payload = ticket_payload(
        {"id": org.zd_id, "name": org.name, "domain_names": list(org.domain_names or [])},
        requester,
        requester_email=None if person else f"customer@{(org.domain_names or ['example.com'])[0]}",
    )
    try:
        ticket = ticket_open(
            customer_session(SandboxConfig.from_django_settings()), settings.SANDBOX_URL, payload
        )
    except CustomerError as exc:
        raise DemoUnavailable(f"The sandbox did not take the ticket: {exc}") from exc
    return DemoTicket(
        zd_id=int(ticket["id"]),
        subject=str(ticket.get("subject") or ""),
        requester=person.name if person else "a new customer",
        organization=org.name,
    )


def demo_account_for(user: Any | None) -> Account | None:
    """The account the notifications page's button (and `make ticket`) acts for: one of the
    person's own with a Zendesk organization of its own (a trusted link), else any account with
    a CSM and one; failing that, any with an organization at all."""
    with_org = Account.objects.live().filter(
        pk__in=Organization.objects.live().filter(account__isnull=False).values("account_id")
    )
    candidates = list(with_org.filter(csm=user).order_by("name")[:20]) if user is not None else []
    candidates += list(with_org.filter(csm__isnull=False).order_by("name")[:20])
    for account in candidates:
        if trusted_organizations(account):
            return account
    return candidates[0] if candidates else None
