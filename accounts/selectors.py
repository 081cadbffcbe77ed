"""Reads of customer accounts: the portfolio, the account page, checklists and their steps."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from contacts.models import Contact
from contacts.rules import contact_limit, email_key
from csmportal.compiled import USER_MARK, instance_of, values_rows
from csmportal.handbook import handbook_url
from feedback.models import Rating, Score
from tickets.models import Ticket
from users.models import User
from users.roles import ALL_ROLES, require_role

from .checklist_models import FINISHED_STATUSES, Checklist, ChecklistStep, ChecklistTemplate
from .emails import fill_placeholders
from .findings import Finding, account_findings, problem_annotations
from .links import by_instance
from .models import Account, AccountEvent, Organization, SalesforceUser
from .permissions import can_confirm_organization_link, can_manage_onboarding, can_work_step

RECENT_RATINGS_DAYS = 90


class Onboarding:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    CHOICES = [(NOT_STARTED, "Not started"), (IN_PROGRESS, "In progress"), (COMPLETE, "Complete")]


def _count(qs: QuerySet, group: str) -> Coalesce:
    """A correlated COUNT subquery (one per row, evaluated only for the rows a page shows)."""
    return Coalesce(
        Subquery(
            qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


def portfolio_columns(since: Any = None, user: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The portfolio's computed columns, in two stages (the second reads the first); ratings
    count from `since` (by default the last RECENT_RATINGS_DAYS). Its Zendesk counts are of the
    rows `user` may see (docs/instances.md, Access; no one given: the instances that are not
    restricted): the SQL depends on the user only through `hidden_keys(user)`."""
    since = since or timezone.now() - timedelta(days=RECENT_RATINGS_DAYS)
    ratings = Rating.objects.visible_to(user).filter(account=OuterRef("pk"), zd_created_at__gte=since)
    steps = ChecklistStep.objects.filter(checklist__account=OuterRef("pk"))
    tickets = Ticket.objects.visible_to(user).open().filter(account=OuterRef("pk"))
    first = {
        "open_tickets": _count(tickets, "account"),
        "ratings_good": _count(ratings.filter(score=Score.GOOD), "account"),
        "ratings_bad": _count(ratings.filter(score=Score.BAD), "account"),
        "steps_total": _count(steps, "checklist__account"),
        "steps_done": _count(steps.filter(status__in=FINISHED_STATUSES), "checklist__account"),
        **problem_annotations(user),
    }
    second = {
        "onboarding": Case(
            When(steps_total=0, then=Value(Onboarding.NOT_STARTED)),
            When(steps_done=F("steps_total"), then=Value(Onboarding.COMPLETE)),
            default=Value(Onboarding.IN_PROGRESS),
        ),
        "progress": Case(
            When(steps_total=0, then=Value(-1)),
            default=F("steps_done") * 100 / F("steps_total"),
            output_field=IntegerField(),
        ),
    }
    return first, second


def account_list(user: Any = None) -> QuerySet[Account]:
    """The portfolio's accounts, filterable and sortable by every column: the computed columns
    are added (`with_portfolio_columns(accounts, user)`, as `user` sees them) only by a filter or
    a sort order that needs them. `accounts.portfolio` computes them for the rows a page shows
    (see `portfolio_paginator`). The list itself is of accounts (not Zendesk-keyed): the same
    for every user."""
    return Account.objects.live().order_by("name", "pk")


def with_portfolio_columns(accounts: QuerySet[Account], user: Any = None) -> QuerySet[Account]:
    """The computed columns as `user` sees them, as aliases: the database computes them only
    where a filter or the sort order reads them, never for every row of a long list."""
    first, second = portfolio_columns(user=user)
    return accounts.alias(**first).alias(**second)


class PortfolioPaginator(Paginator):
    """Pages through the light queryset (ids only), then loads the page's rows with their
    columns as `user` sees them (`accounts.portfolio.portfolio_rows`; `portfolio_paginator(user)`)."""

    user: Any = None

    def __init__(self, object_list: QuerySet[Account], *args: Any, **kwargs: Any) -> None:
        super().__init__(object_list.values_list("pk", flat=True), *args, **kwargs)

    def page(self, number: Any) -> Page:
        from .portfolio import portfolio_rows

        page = super().page(number)
        page.object_list = portfolio_rows(list(page.object_list), self.user)
        return page


def portfolio_paginator(user: Any) -> type[PortfolioPaginator]:
    """The portfolio's paginator class for `user` (render_list takes a class)."""
    return type("PortfolioPaginator", (PortfolioPaginator,), {"user": user})


def get_account_for_user(user: Any, pk: int) -> Account:
    """Every role may read any account; changing its onboarding checks more (see permissions)."""
    require_role(user, *ALL_ROLES)
    return _account_with_csm(pk)


def _account_and_csm_query(pk: Any) -> QuerySet[Any]:
    csm = [f"csm__{f.attname}" for f in User._meta.concrete_fields]
    return Account.objects.filter(pk=pk).values(*(f.attname for f in Account._meta.concrete_fields), *csm)


def _account_with_csm(pk: int) -> Account:
    """`get_object_or_404(Account.objects.select_related("csm"), pk=pk)`, its SQL compiled once
    per process (`csmportal.compiled`: every account page reads its account first; building and
    compiling the query cost more than running it); the ORM on SQLite."""
    rows = values_rows(
        "accounts.account_with_csm", None, _account_and_csm_query, {"pk": USER_MARK}, {"pk": int(pk)}
    )
    if not rows:
        raise Http404("No Account matches the given query.")
    account = instance_of(Account, rows[0])
    csm = instance_of(User, rows[0], prefix="csm__") if rows[0]["csm__id"] is not None else None
    Account._meta.get_field("csm").set_cached_value(account, csm)
    return account


def get_account_for_onboarding(user: Any, pk: int) -> Account:
    account = get_account_for_user(user, pk)
    if not can_manage_onboarding(user, account):
        raise PermissionDenied("Only the account's CSM or an admin can change its onboarding.")
    return account


def get_organization_for_link_confirm(user: Any, account_pk: int, org_pk: int) -> Organization:
    """An org linked to the account, whose link the user may confirm (404 / 403 otherwise)."""
    account = get_account_for_user(user, account_pk)
    org = get_object_or_404(Organization.objects.visible_to(user), pk=org_pk, account=account)
    org.account = account
    if not can_confirm_organization_link(user, account):
        raise PermissionDenied("Only the account's CSM or an admin can confirm an organization's link.")
    return org


def get_checklist_for_user(user: Any, account_pk: int, checklist_pk: int) -> Checklist:
    """A checklist to change (add a step): needs the onboarding rights on its account."""
    account = get_account_for_onboarding(user, account_pk)
    checklist = get_object_or_404(Checklist, pk=checklist_pk, account=account)
    checklist.account = account
    return checklist


def get_step_for_user(user: Any, account_pk: int, step_pk: int, *, manage: bool = False) -> ChecklistStep:
    """A step to act on. `manage`: a change to the checklist itself (assign, move, remove)."""
    account = get_account_for_user(user, account_pk)
    step = get_object_or_404(
        ChecklistStep.objects.select_related("checklist", "email_template"),
        pk=step_pk,
        checklist__account=account,
    )
    step.checklist.account = account
    allowed = can_manage_onboarding(user, account) if manage else can_work_step(user, step, account)
    if not allowed:
        raise PermissionDenied("Only the account's CSM, the step's owner or an admin can do this.")
    return step


def account_checklists(account: Account) -> list[Checklist]:
    steps = ChecklistStep.objects.select_related("owner", "completed_by", "email", "email_template").order_by(
        "position", "pk"
    )
    return list(
        account.checklists.select_related("template", "template_version", "started_by").prefetch_related(
            Prefetch("steps", queryset=steps)
        )
    )


def startable_templates(account: Account) -> list[ChecklistTemplate]:
    return list(
        ChecklistTemplate.objects.filter(is_active=True, version__gt=0).exclude(checklists__account=account)
    )


def _startable_rows(account: Any) -> QuerySet[Any]:
    return (
        ChecklistTemplate.objects.filter(is_active=True, version__gt=0)
        .exclude(checklists__account=account)
        .values("pk", "name", "is_default")
    )


def startable_template_rows(account: Account) -> list[dict[str, Any]]:
    """`startable_templates` as rows (pk, name, is_default) for the account page's select: the
    query is built and compiled once per process (`csmportal.compiled`; the ORM on SQLite)."""
    return values_rows(
        "accounts.startable_templates", None, _startable_rows, {"account": USER_MARK}, {"account": account.pk}
    )


def account_events(account: Account) -> QuerySet[AccountEvent]:
    return account.events.select_related("actor")


@dataclass
class AccountPage:
    orgs: list[Organization]
    same_name_elsewhere: list[Organization]
    sf_csm: SalesforceUser | None
    findings: list[Finding]
    mismatches: dict[int, set[str]]  # org pk -> fields that disagree with the account
    open_tickets: int
    ratings_good: int
    ratings_bad: int


def account_page(account: Account, user: Any = None) -> AccountPage:
    """The account page's orgs, findings and counts, of the Zendesk rows `user` may see
    (docs/instances.md, Access; no one given: the instances that are not restricted). The rows
    and counts are cached with the account's version (`csmportal.versions`); the findings are
    worked out from them on every request (they read the account and its CSM as they are now)."""
    from csmportal.versions import one_cached

    from .findings import csm_name_for, org_mismatches

    rows = one_cached(account.pk, user, "page", lambda: _account_page_rows(account, user))
    orgs, same_name, sf_csm = rows["orgs"], rows["same_name"], rows["sf_csm"]
    csm_name = csm_name_for(account, sf_csm)
    return AccountPage(
        orgs=orgs,
        same_name_elsewhere=same_name,
        sf_csm=sf_csm,
        findings=account_findings(account, orgs, same_name, sf_csm),
        mismatches={org.pk: org_mismatches(account, org, csm_name) for org in orgs},
        open_tickets=rows["open_tickets"],
        ratings_good=rows["ratings"]["good"],
        ratings_bad=rows["ratings"]["bad"],
    )


def _account_page_rows(account: Account, user: Any) -> dict[str, Any]:
    orgs = by_instance(account.organizations.live().visible_to(user).order_by("zd_id"))
    same_name = list(
        Organization.objects.live()
        .visible_to(user)
        .filter(name__iexact=account.name)
        .exclude(account=account)
        .select_related("account")
        .order_by("zd_id")
    )
    sf_csm = (
        SalesforceUser.objects.filter(sf_id=account.csm_sf_user_id).first()
        if account.csm_sf_user_id
        else None
    )
    since = timezone.now() - timedelta(days=RECENT_RATINGS_DAYS)
    ratings = (
        Rating.objects.visible_to(user)
        .filter(account=account, zd_created_at__gte=since)
        .aggregate(good=Count("pk", filter=Q(score=Score.GOOD)), bad=Count("pk", filter=Q(score=Score.BAD)))
    )
    return {
        "orgs": orgs,
        "same_name": same_name,
        "sf_csm": sf_csm,
        "ratings": ratings,
        "open_tickets": Ticket.objects.visible_to(user).open().filter(account=account).count(),
    }


@dataclass
class EmailDraft:
    to_email: str
    subject: str
    body: str
    contact_name: str


def checklist_email_draft(step: ChecklistStep, sender: Any) -> EmailDraft:
    """The step's email filled in for its account, ready to edit before sending."""
    from csmportal.versions import one_cached

    account = step.checklist.account
    to = account.sold_to_email.strip()

    def facts() -> tuple[Contact | None, bool]:
        """The sold-to contact, and whether the account has a contact management project."""
        contact = (
            Contact.objects.live().filter(account=account, email_key=email_key(to)).order_by("pk").first()
            if to
            else None
        )
        has_cmp = (
            Organization.objects.live().visible_to(sender).filter(account=account).exclude(cmp_id="").exists()
        )
        return contact, has_cmp

    # Cached with the account's version (csmportal.versions: its sold-to email changes with it).
    contact, has_cmp = one_cached(account.pk, sender, "draft", facts)
    values = {
        "account_name": account.name,
        "contact_name": (contact.name if contact and contact.name else "there"),
        "contact_first_name": (contact.first_name if contact and contact.first_name else "there"),
        "csm_name": str(sender),
        "csm_email": getattr(sender, "email", ""),
        "contact_limit": contact_limit(has_cmp),
        "managing_support_contacts_url": handbook_url("managing_support_contacts"),
    }
    template = step.email_template
    return EmailDraft(
        to_email=to,
        subject=fill_placeholders(template.subject if template else "", values),
        body=fill_placeholders(template.body if template else "", values),
        contact_name=contact.name if contact else "",
    )


@dataclass
class PersonToInvite:
    """A Salesforce user who is the CSM of accounts and has no portal login matched by email."""

    sf_user: SalesforceUser
    accounts: list[Account]
    login: Any | None  # a portal user with this address who has not proven it yet
    login_verified: bool = False

    @property
    def can_invite(self) -> bool:
        return bool(self.sf_user.email) and self.sf_user.is_active and not self.login_verified


def _invitable_query(**marks: Any) -> QuerySet[Any]:
    """The Salesforce users `people_to_invite` lists who `can_invite`: named as CSM, matched to
    no portal user, active, with an address at which no portal login has proven itself."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db.models import Exists
    from django.db.models.functions import Lower

    named = Account.objects.exclude(csm_sf_user_id="").values("csm_sf_user_id")
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    proven = (
        get_user_model()
        .objects.annotate(low=Lower("email"))
        .filter(low=Lower(OuterRef("email")))
        .filter(Exists(verified))
    )
    return (
        SalesforceUser.objects.filter(portal_user__isnull=True, sf_id__in=named, is_active=True)
        .exclude(email="")
        .exclude(Exists(proven))
        .values("pk")
    )


def people_to_invite_count() -> int:
    """How many of `people_to_invite` an admin can invite (`can_invite`): one query, compiled
    once per process (csmportal.compiled), for the Team page's count."""
    return len(values_rows("accounts.people_to_invite_count", None, _invitable_query, {}, {}))


def people_to_invite() -> list[PersonToInvite]:
    """Salesforce users that accounts name as CSM and that no portal user is matched to, with
    their accounts and any unproven portal login at their address (three queries)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db.models import Exists
    from django.db.models.functions import Lower

    named = Account.objects.exclude(csm_sf_user_id="").values("csm_sf_user_id")
    sf_users = list(
        SalesforceUser.objects.filter(portal_user__isnull=True, sf_id__in=named).order_by("name", "pk")
    )
    if not sf_users:
        return []
    accounts: dict[str, list[Account]] = {}
    for account in Account.objects.filter(csm_sf_user_id__in=[s.sf_id for s in sf_users]).only(
        "pk", "name", "csm_sf_user_id"
    ):
        accounts.setdefault(account.csm_sf_user_id, []).append(account)
    emails = {s.email.lower() for s in sf_users if s.email}
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    logins = {
        u.low: u
        for u in get_user_model()
        .objects.annotate(low=Lower("email"), is_verified=Exists(verified))
        .filter(low__in=emails)
    }
    rows = []
    for sf_user in sf_users:
        login = logins.get(sf_user.email.lower()) if sf_user.email else None
        rows.append(
            PersonToInvite(
                sf_user=sf_user,
                accounts=accounts.get(sf_user.sf_id, []),
                login=login,
                login_verified=bool(login and login.is_verified),
            )
        )
    return rows
