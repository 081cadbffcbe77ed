"""Reads of an account's people: Salesforce contacts against Zendesk users, matched by email.

An account's people are few (the limits are 30 and 50), so the list is built in memory from a
fixed number of queries whatever its size: the organizations, the contacts, the org's Zendesk
users, the same emails elsewhere in Zendesk, and ticket counts per requester.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q, QuerySet

from accounts.links import by_instance
from accounts.models import Account, Organization
from tickets.models import Status, Ticket

from .models import Contact, SupportUser
from .rules import (
    CMP_MAINTAINER_LIMIT,
    Developer,
    LimitWarning,
    cmp_eligible,
    contact_limit,
    contact_warnings,
    developer_matches,
    email_key,
    is_entitled_user,
    parse_cmp_developers,
)


class PersonStatus(models.TextChoices):
    ENTITLED = "entitled", "Can open tickets"
    NOT_IN_SALESFORCE = "zendesk_only", "Can open tickets (not a Salesforce contact)"
    BLOCKED = "blocked", "Suspended or inactive in Zendesk"
    ELSEWHERE = "elsewhere", "Not associated with this organization"
    NOT_REGISTERED = "not_registered", "Not registered in Zendesk"


STATUS_BADGE = {
    PersonStatus.ENTITLED: "ok",
    PersonStatus.NOT_IN_SALESFORCE: "ok",  # Zendesk decides who can open tickets; Salesforce is a note
    PersonStatus.BLOCKED: "bad",
    PersonStatus.ELSEWHERE: "warn",
    PersonStatus.NOT_REGISTERED: "",
}
_ORDER = {status: n for n, status in enumerate(PersonStatus.values)}
# What a person's row reads of its contact and its Zendesk user (and the user's organization):
# only these columns are loaded (a page lists up to a hundred people; whole rows cost CPU).
CONTACT_FIELDS = ("sf_id", "account", "first_name", "last_name", "email", "email_key", "title")
USER_FIELDS = (
    "zd_id", "zd_instance", "name", "email", "email_key", "role", "active", "suspended", "contact",
    "organization", "organization__name", "organization__account",
)  # fmt: skip


@dataclass
class Person:
    key: str  # lower-cased email
    name: str
    email: str
    status: str
    contact: Contact | None = None
    user: SupportUser | None = None  # in this account's org, or (status "elsewhere") in another
    is_sold_to: bool = False
    is_developer: bool = False
    tickets: int = 0

    @property
    def status_label(self) -> str:
        return PersonStatus(self.status).label

    @property
    def badge(self) -> str:
        return STATUS_BADGE[PersonStatus(self.status)]

    @property
    def can_open_tickets(self) -> bool:
        return self.status in (PersonStatus.ENTITLED, PersonStatus.NOT_IN_SALESFORCE)


@dataclass
class DeveloperRow:
    developer: Developer
    person: Person | None


class CmpLimits:
    """The contact limits that follow from an account's Collaboration project IDs (`cmp_ids`):
    the whole list's (`AccountPeople`) and the account page's summary's (`PeopleSummary`)."""

    if TYPE_CHECKING:

        @property
        def cmp_ids(self) -> list[str]: ...

    @property
    def has_cmp(self) -> bool:
        return bool(self.cmp_ids)

    @property
    def limit(self) -> int:
        return contact_limit(self.has_cmp)

    @property
    def maintainer_limit(self) -> int:
        return CMP_MAINTAINER_LIMIT


@dataclass
class AccountPeople(CmpLimits):
    account: Account
    orgs: list[Organization]
    people: list[Person]
    contacts_without_email: list[Contact]
    sold_to: Person | None
    developers: list[DeveloperRow]
    warnings: list[LimitWarning] = field(default_factory=list)

    @property
    def salesforce_contacts(self) -> int:
        return sum(1 for p in self.people if p.contact is not None)

    @property
    def registered_contacts(self) -> int:
        return sum(1 for p in self.people if p.status == PersonStatus.ENTITLED)

    @property
    def can_open_tickets(self) -> int:
        return sum(1 for p in self.people if p.can_open_tickets)

    def count(self, status: str) -> int:
        return sum(1 for p in self.people if p.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in PersonStatus.values}

    @property
    def cmp_ids(self) -> list[str]:
        return [org.cmp_id.strip() for org in self.orgs if org.cmp_id.strip()]

    @property
    def eligible(self) -> bool:
        return cmp_eligible(self.account.seats)

    @property
    def limit_share(self) -> int:
        return min(100, round(100 * self.can_open_tickets / self.limit)) if self.limit else 0


@dataclass
class PeopleSummary(CmpLimits):
    """What the account page shows of its people (`AccountPeople.summary()`): the figures, the
    warnings and the sold-to contact's name, without a row per person (the account page caches
    it; a summary unpickles in a fraction of the whole list's time)."""

    can_open_tickets: int
    registered_contacts: int
    salesforce_contacts: int
    cmp_ids: list[str]
    developer_count: int
    warnings: list[LimitWarning]
    has_sold_to: bool
    sold_to_name: str
    eligible: bool = False  # the account's seats as they are now: set by the reader


def people_summary(people: AccountPeople) -> PeopleSummary:
    return PeopleSummary(
        can_open_tickets=people.can_open_tickets,
        registered_contacts=people.registered_contacts,
        salesforce_contacts=people.salesforce_contacts,
        cmp_ids=people.cmp_ids,
        developer_count=len(people.developers),
        warnings=people.warnings,
        has_sold_to=people.sold_to is not None,
        sold_to_name=people.sold_to.name if people.sold_to is not None else "",
    )


def account_people(
    account: Account, orgs: list[Organization] | None = None, user: Any = None, *, details: bool = True
) -> AccountPeople:
    """The account's people as `user` may see them: the Zendesk users, organizations and ticket
    counts of the instances they may see (docs/instances.md, Access; no one given: those that
    are not restricted). `orgs`: the account's linked organizations (as `user` sees them) when
    the caller has them already.

    `details=False` (the account page's summary: who can open tickets, the limits, the
    warnings): no ticket counts per person and no look in other organizations for the contacts
    who are not registered (they change none of those figures), two queries fewer."""
    if orgs is None:
        orgs = by_instance(
            Organization.objects.live().visible_to(user).filter(account=account).order_by("zd_id")
        )
    contacts = list(
        Contact.objects.live()
        .filter(account=account)
        .only(*CONTACT_FIELDS)
        .order_by("last_name", "first_name", "pk")
    )
    org_users = list(
        SupportUser.objects.live()
        .visible_to(user)
        .filter(organization__account=account)
        .exclude(role__in=("agent", "admin"))
        .select_related("organization")
        .only(*USER_FIELDS)
        .order_by("pk")
    )
    people: dict[str, Person] = {}
    for org_user in org_users:
        key = org_user.email_key or email_key(org_user.email)
        if not key:
            continue
        entitled = is_entitled_user(role=org_user.role, active=org_user.active, suspended=org_user.suspended)
        status = PersonStatus.NOT_IN_SALESFORCE if entitled else PersonStatus.BLOCKED
        current = people.get(key)
        if current is None or (entitled and not current.can_open_tickets):
            people[key] = Person(
                key=key, name=org_user.name, email=org_user.email, status=status, user=org_user
            )
    without_email: list[Contact] = []
    for contact in contacts:
        key = contact.email_key or email_key(contact.email)
        if not key:
            without_email.append(contact)
            continue
        person = people.get(key)
        if person is None:
            people[key] = Person(
                key=key,
                name=contact.name,
                email=contact.email,
                status=PersonStatus.NOT_REGISTERED,
                contact=contact,
            )
        elif person.contact is None:
            person.contact = contact
            person.name = contact.name or person.name
            person.email = contact.email  # Salesforce's spelling: it is the record of the contact
            if person.status == PersonStatus.NOT_IN_SALESFORCE:
                person.status = PersonStatus.ENTITLED
    unregistered = [p.key for p in people.values() if p.status == PersonStatus.NOT_REGISTERED]
    if details and unregistered:
        elsewhere = (
            SupportUser.objects.live()
            .visible_to(user)
            .filter(email_key__in=unregistered)
            .exclude(organization__account=account)
        )
        for other in elsewhere.select_related("organization").only(*USER_FIELDS).order_by("pk"):
            person = people[other.email_key]
            if person.user is None:
                person.user = other
                person.status = PersonStatus.ELSEWHERE
    counts = (
        Ticket.objects.visible_to(user)
        .filter(account=account, requester__isnull=False)
        .exclude(status=Status.DELETED)
        .values_list("requester__email_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for key, n in counts if details else ():
        if key in people:
            people[key].tickets = n

    sold_to_key = email_key(account.sold_to_email)
    sold_to = people.get(sold_to_key) if sold_to_key else None
    if sold_to is not None:
        sold_to.is_sold_to = True
    developers = [dev for org in orgs for dev in parse_cmp_developers(org.cmp_developers)]
    matches = developer_matches(developers, people)
    for person in matches.values():
        person.is_developer = True
    rows = sorted(people.values(), key=lambda p: (not p.is_sold_to, _ORDER[p.status], p.name.lower(), p.key))
    result = AccountPeople(
        account=account,
        orgs=orgs,
        people=rows,
        contacts_without_email=without_email,
        sold_to=sold_to,
        developers=[DeveloperRow(dev, matches.get(dev.key)) for dev in developers],
    )
    result.warnings = contact_warnings(
        seats=account.seats,
        has_cmp=result.has_cmp,
        registered=result.can_open_tickets,
        salesforce_contacts=result.salesforce_contacts,
        maintainers=len(developers),
    )
    return result


def unentitled_tickets(account: Account, user: Any = None) -> QuerySet[Ticket]:
    """The account's tickets (that `user` may see) whose requester is not an active end user of
    its organization."""
    return (
        Ticket.objects.visible_to(user)
        .filter(account=account)
        .exclude(status=Status.DELETED)
        .filter(
            Q(requester__isnull=True)
            | ~Q(requester__organization__account=account)
            | Q(requester__suspended=True)
            | Q(requester__active=False)
        )
        .select_related("requester", "requester__organization")
        .order_by("-zd_created_at")
    )


def why_unentitled(ticket: Ticket, account: Account) -> str:
    requester = ticket.requester
    if requester is None:
        return "The requester is not in the portal yet."
    if requester.organization is None:
        return "The requester belongs to no organization in Zendesk."
    if requester.organization.account_id != account.pk:
        return f"The requester belongs to another organization ({requester.organization.name})."
    if requester.suspended:
        return "The requester is suspended in Zendesk."
    return "The requester is inactive in Zendesk."
