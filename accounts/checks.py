"""The automatic checks of onboarding steps, evaluated against the synced data.

`load_facts` reads what the checks need for many accounts in a fixed number of queries;
`evaluate` is pure, so re-checking after a sync is cheap and the same everywhere.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from contacts.models import Contact, SupportUser
from contacts.rules import cmp_eligible, contact_limit, email_key, is_entitled_user, parse_cmp_developers
from integrations.mapping import BY_KEY, is_mapped

from .checklist_models import Check, StepStatus
from .links import is_project_id
from .models import Account, Organization


@dataclass
class AccountFacts:
    account: Account
    orgs: list[Organization] = field(default_factory=list)  # linked to the account
    contacts: dict[str, str] = field(default_factory=dict)  # Salesforce contacts: email key -> name
    entitled: set[str] = field(default_factory=set)  # email keys of people who may open tickets

    @property
    def has_cmp(self) -> bool:
        return any(org.cmp_id.strip() for org in self.orgs)


@dataclass(frozen=True)
class CheckResult:
    status: str  # a StepStatus
    summary: str  # one sentence: what the portal found


def load_facts(accounts: Iterable[Account]) -> dict[int, AccountFacts]:
    """What the checks need, for all the given accounts, in three queries."""
    facts = {account.pk: AccountFacts(account) for account in accounts}
    ids = list(facts)
    for org in Organization.objects.live().filter(account_id__in=ids).order_by("zd_id"):
        facts[org.account_id].orgs.append(org)  # type: ignore[index]
    contacts = Contact.objects.live().filter(account_id__in=ids).exclude(email="")
    for account_id, key, email, first, last in contacts.values_list(
        "account_id", "email_key", "email", "first_name", "last_name"
    ).order_by("last_name", "first_name", "pk"):
        facts[account_id].contacts.setdefault(key or email_key(email), f"{first} {last}".strip())
    users = SupportUser.objects.live().filter(organization__account_id__in=ids).exclude(email="")
    for account_id, key, email, role, active, suspended in users.values_list(
        "organization__account_id", "email_key", "email", "role", "active", "suspended"
    ):
        if is_entitled_user(role=role, active=active, suspended=suspended):
            facts[account_id].entitled.add(key or email_key(email))
    return facts


# The source field each automatic check reads (integrations/mapping.py): unmapped, the portal
# cannot check the step, and says so instead of failing it on an empty value.
_NEEDS: dict[str, str] = {
    Check.SOLD_TO_CONTACT: "salesforce.Account.sold_to_email",
    Check.COLLABORATION_PROJECT: "zendesk.organization.am_project_id",
    Check.CONTACT_MANAGEMENT_PROJECT: "zendesk.organization.cmp_id",
}


def evaluate(check_key: str, facts: AccountFacts) -> CheckResult:
    needs = _NEEDS.get(check_key)
    if needs and not is_mapped(needs):
        label = BY_KEY[needs].label
        if check_key == Check.CONTACT_MANAGEMENT_PROJECT:  # information, never a step left to do
            return CheckResult(
                StepStatus.NOT_APPLICABLE,
                f"Not known: the portal does not read the {label} field (not mapped on Connections).",
            )
        return CheckResult(
            StepStatus.PENDING,
            f"Not checked: the portal does not read the {label} field (not mapped on Connections); "
            "complete or skip this step by hand.",
        )
    return _CHECKS[check_key](facts)


def _sold_to_contact(facts: AccountFacts) -> CheckResult:
    """The handbook: "Identify the sold-to email for that account via SFDC". Having one is the
    step; whether it is also a contact on the account is a note."""
    email = facts.account.sold_to_email.strip()
    if not email:
        return CheckResult(StepStatus.PENDING, "Salesforce has no sold-to email for this account.")
    name = facts.contacts.get(email_key(email))
    if name is None:
        note = "not a contact on this account in Salesforce"
    else:
        note = f"Salesforce contact {name}" if name else "a Salesforce contact on this account"
    return CheckResult(StepStatus.DONE, f"Sold-to email: {email} ({note}).")


def _zendesk_org(facts: AccountFacts) -> CheckResult:
    if not facts.orgs:
        return CheckResult(
            StepStatus.PENDING, "No Zendesk organization carries this account's Salesforce ID yet."
        )
    names = ", ".join(f"{org.name} ({org.zd_id})" for org in facts.orgs)
    return CheckResult(StepStatus.DONE, f"Linked to Zendesk organization {names}.")


def _support_contacts(facts: AccountFacts) -> CheckResult:
    """Judged from Zendesk: the organization's users with support entitlement (its Users tab);
    the Salesforce contacts among them are counted beside them."""
    if not facts.orgs:
        return CheckResult(StepStatus.PENDING, "No Zendesk organization to associate users with yet.")
    entitled = len(facts.entitled)
    if not entitled:
        return CheckResult(
            StepStatus.PENDING,
            "Nobody can open tickets yet: the organization has no active end users in Zendesk. Users "
            "who aren't associated with their organization will not be able to access GitLab Support.",
        )
    contacts = len(facts.entitled.intersection(facts.contacts))
    people = "person can" if entitled == 1 else "people can"
    summary = f"{entitled} {people} open tickets (the organization's users in Zendesk); " + (
        f"{contacts} of them is a Salesforce contact"
        if contacts == 1
        else f"{contacts} of them are Salesforce contacts"
    )
    limit = contact_limit(facts.has_cmp)
    if entitled > limit:
        summary += f"; over the limit of {limit}"
    return CheckResult(StepStatus.DONE, summary + ".")


def _collaboration_project(facts: AccountFacts) -> CheckResult:
    if not facts.orgs:
        return CheckResult(StepStatus.PENDING, "No Zendesk organization yet.")
    problems = []
    for org in facts.orgs:
        value = org.am_project_id
        if not value.strip():
            problems.append(f"not set on {org.name}")
        elif not is_project_id(value):
            problems.append(f"“{value}” on {org.name} is not a project ID")
    if problems:
        return CheckResult(StepStatus.PENDING, "Collaboration project ID " + "; ".join(problems) + ".")
    ids = ", ".join(org.am_project_id for org in facts.orgs)
    return CheckResult(StepStatus.DONE, f"Collaboration project {ids}.")


def _contact_management_project(facts: AccountFacts) -> CheckResult:
    """Information, never a step to do: whether the customer has a contact management project
    and who can access it. Done when there is one, not applicable when there is none."""
    projects = [org.cmp_id.strip() for org in facts.orgs if org.cmp_id.strip()]
    if not projects:
        where = "its Zendesk organization" if facts.orgs else "a Zendesk organization (none is linked yet)"
        summary = "This customer has no contact management project"
        summary += f" (no Contact Management Project ID on {where})"
        if cmp_eligible(facts.account.seats):
            summary += f"; with {facts.account.seats} seats it is eligible for one"
        return CheckResult(StepStatus.NOT_APPLICABLE, summary + ".")
    developers = [
        d.display or d.email or d.username
        for org in facts.orgs
        if org.cmp_id.strip()
        for d in parse_cmp_developers(org.cmp_developers)
    ]
    access = (
        "who can access it (CMP Developers): " + ", ".join(developers)
        if developers
        else "its CMP Developers field names nobody"
    )
    return CheckResult(
        StepStatus.DONE, f"This customer has contact management project {', '.join(projects)}; {access}."
    )


_CHECKS: dict[str, Callable[[AccountFacts], CheckResult]] = {
    Check.SOLD_TO_CONTACT: _sold_to_contact,
    Check.ZENDESK_ORG: _zendesk_org,
    Check.SUPPORT_CONTACTS: _support_contacts,
    Check.COLLABORATION_PROJECT: _collaboration_project,
    Check.CONTACT_MANAGEMENT_PROJECT: _contact_management_project,
}
