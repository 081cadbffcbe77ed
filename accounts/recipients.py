"""Who the portal emails for an account: the account's own people, never an organization's that
merely carries the account's Salesforce ID.

A Zendesk organization is linked to an account by its `salesforce_id` field, which anyone who
edits organizations in Zendesk can type. So an organization's link to its account is *trusted*
only when

- a person confirmed it (`Organization.link_confirmed_*`, for the account it is linked to now;
  `accounts.services.organizations.organization_link_confirm`), or
- its name matches the account's: one's significant words (legal forms such as "Inc." or
  "Pte. Ltd." left out) all appear in the other's, or
- one of its domain names is the domain of the account's sold-to email (from Salesforce).

The people of an untrusted organization are neither offered nor accepted as recipients of the
account's emails (the education email, the onboarding step's email) until someone confirms it.
Recipients are: the sold-to email, the account's Salesforce contacts, the active end users of
its trusted organizations, and (step email) any address at a trusted organization's domains.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from contacts.models import Contact, SupportUser

from .models import Account, Organization

MAX_RECIPIENTS = 200
MAX_NAME = 255  # Organization.name's length: the words are read from a bounded string
WORD = re.compile(r"[0-9a-z]+")  # one character class, no backtracking
# Legal forms and filler words that say nothing about which company it is.
INSIGNIFICANT = frozenset(
    {
        "ab", "ag", "and", "as", "bv", "co", "company", "corp", "corporation", "gmbh", "inc",
        "incorporated", "kg", "kk", "limited", "llc", "llp", "lp", "ltd", "nv", "of", "oy", "plc",
        "pte", "pty", "sa", "sarl", "sas", "spa", "srl", "the",
    }
)  # fmt: skip


def significant_words(name: str) -> frozenset[str]:
    """Lower-case ASCII words of a company name, without legal forms or one-letter words."""
    text = unicodedata.normalize("NFKD", (name or "")[:MAX_NAME]).encode("ascii", "ignore").decode()
    return frozenset(w for w in WORD.findall(text.lower()) if len(w) > 1 and w not in INSIGNIFICANT)


def names_match(org_name: str, account_name: str) -> bool:
    """One name's significant words all appear in the other's ("Acme (trial)" ~ "Acme Inc.")."""
    org_words, account_words = significant_words(org_name), significant_words(account_name)
    if not org_words or not account_words:
        return False
    return org_words <= account_words or account_words <= org_words


def email_domain(email: str) -> str:
    local, at, domain = (email or "").strip().rpartition("@")
    return domain.lower().rstrip(".") if at and local and domain else ""


def organization_domains(org: Organization) -> set[str]:
    names = org.domain_names if isinstance(org.domain_names, list) else []
    return {str(d).strip().lower().lstrip("@.").rstrip(".") for d in names if str(d).strip()} - {""}


def organization_link_confirmed(org: Organization, account: Account) -> bool:
    return bool(org.link_confirmed_at) and org.link_confirmed_sf_id == account.sf_id


def organization_link_trusted(org: Organization, account: Account) -> bool:
    """Whether the org's people may get the account's emails (see the module's docstring)."""
    if org.account_id != account.pk:
        return False
    if organization_link_confirmed(org, account) or names_match(org.name, account.name):
        return True
    sold_to = email_domain(account.sold_to_email)
    return bool(sold_to) and sold_to in organization_domains(org)


def trusted_organizations(account: Account, user: Any = None) -> list[Organization]:
    """The account's trusted orgs that `user` may see (docs/instances.md, Access; no one given:
    those of the instances that are not restricted)."""
    live = account.organizations.filter(deleted_at__isnull=True).visible_to(user)
    return [org for org in live if organization_link_trusted(org, account)]


def untrusted_organizations(account: Account, user: Any = None) -> list[Organization]:
    """The account's linked orgs (that `user` may see) whose people get none of its emails until
    someone confirms."""
    live = account.organizations.filter(deleted_at__isnull=True).visible_to(user)
    return [org for org in live if not organization_link_trusted(org, account)]


@dataclass(frozen=True)
class Recipient:
    email: str
    label: str


def account_recipients(account: Account, user: Any = None) -> list[Recipient]:
    """The account's own people: the sold-to contact, its Salesforce contacts, and the entitled
    Zendesk users of its trusted organizations (each email once, at most MAX_RECIPIENTS). The
    Zendesk users are those `user` (the sender) may see: docs/instances.md, Access."""
    found: dict[str, Recipient] = {}

    def add(email: str, label: str) -> None:
        key = (email or "").strip().lower()
        if key and key not in found and len(found) < MAX_RECIPIENTS:
            found[key] = Recipient(email.strip(), label)

    add(account.sold_to_email, f"{account.sold_to_email} (sold-to contact)")
    for contact in (
        Contact.objects.live()
        .filter(account=account)
        .exclude(email="")
        .order_by("last_name", "first_name")[:MAX_RECIPIENTS]
    ):
        title = f", {contact.title}" if contact.title else ""
        add(contact.email, f"{contact.name or contact.email} <{contact.email}>{title}")
    trusted = [org.pk for org in trusted_organizations(account, user)]
    users = (
        SupportUser.objects.live()
        .filter(organization__in=trusted, role="end-user", active=True, suspended=False)
        .exclude(email="")
    )
    for person in users.order_by("name")[:MAX_RECIPIENTS] if trusted else ():
        add(person.email, f"{person.name or person.email} <{person.email}> (support contact)")
    return list(found.values())


def account_email_domains(account: Account, user: Any = None) -> set[str]:
    """The domain names of the account's trusted organizations (that `user` may see)."""
    domains: set[str] = set()
    for org in trusted_organizations(account, user):
        domains |= organization_domains(org)
    return domains


def recipient_allowed(account: Account, email: str, user: Any = None) -> bool:
    """Whether the account's emails may go to ``email``: one of its own people, or an address at
    one of its trusted organizations' domains (as ``user``, the sender, sees them). Everything
    else is refused."""
    key = (email or "").strip().lower()
    if not key:
        return False
    if email_domain(key) in account_email_domains(account, user):
        return True
    return any(r.email.lower() == key for r in account_recipients(account, user))


def recipient_refusal(account: Account, email: str, user: Any = None) -> str:
    """Why the account's emails may not go to ``email`` ("" when they may), in words for a form;
    about the organizations ``user`` (the sender) may see only."""
    if recipient_allowed(account, email, user):
        return ""
    key = (email or "").strip().lower()
    for org in untrusted_organizations(account, user):
        member = SupportUser.objects.filter(organization=org, email_key=key).exists()
        if member or email_domain(key) in organization_domains(org):
            return (
                f"{email} belongs to the Zendesk organization “{org.name}”, which carries this "
                "account's Salesforce ID but whose name and domains do not match the account's, and "
                "nobody has confirmed that it belongs to the account. Ask the account's CSM or an "
                "admin to confirm the link first."
            )
    domains = sorted(account_email_domains(account, user))
    at = f" or an address at {', '.join(domains)}" if domains else ""
    return (
        f"{email} is not one of this account's own people. Send this to its sold-to contact, one of "
        f"its Salesforce contacts or Zendesk users{at}."
    )
