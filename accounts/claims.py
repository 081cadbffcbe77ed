"""Organizations that claim an account without matching it: "a second customer inside an account".

A Zendesk organization belongs to an account through its `salesforce_id`, which anyone who edits
organizations in Zendesk can type. One whose name and domains do not match the account's, and
that nobody has confirmed (the untrusted organizations of `accounts.recipients`), puts another
customer's tickets in the account's lists. The account page calls it out at the top (confirm it,
or ask support ops to correct it in one click), and its tickets are marked in the account's lists
(`ticket_claim_unconfirmed`) until someone confirms the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Account, Organization
from .recipients import organization_domains, organization_link_trusted


@dataclass(frozen=True)
class Claim:
    org: Organization
    domains: list[str]
    request: Any | None  # the active support-ops request to correct the org's salesforce_id


def organization_claims(account: Account, orgs: list[Organization]) -> list[Claim]:
    """The account's linked orgs (`orgs`, already loaded) that claim it unconfirmed, with the
    support-ops request under way for each (one query, and none when every org matches)."""
    live = [org for org in orgs if org.deleted_at is None]
    untrusted = [org for org in live if not organization_link_trusted(org, account)]
    if not untrusted:
        return []
    from supportops.selectors import active_link_fixes

    fixes = active_link_fixes(account)
    return [Claim(org, sorted(organization_domains(org)), fixes.get(org.pk)) for org in untrusted]


def ticket_claim_unconfirmed(ticket: Any, account: Account | None = None) -> bool:
    """Whether the ticket comes from an org that claims its account unconfirmed. Reads the
    ticket's `organization` and (unless given) `account`: select them with the ticket."""
    org, account = ticket.organization, account or ticket.account
    return org is not None and account is not None and not organization_link_trusted(org, account)
