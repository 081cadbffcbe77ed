"""Reads of support-ops requests, and who may do what with them.

Rules (tested in tests/supportops/test_permissions.py):
- Support ops (and admins) see and work the whole queue.
- A CSM sees the requests they filed and those on accounts they are the CSM of; they may
  comment on them, cancel them while support ops have not finished, and confirm a notes
  request once it shows in Zendesk. Other CSMs and support managers get a 403.
- Only an account's CSM (or an admin) files requests for its organizations ("an org I manage").
- A request about an organization of a restricted Zendesk instance, and the organization itself,
  does not exist for anyone not cleared for that instance (docs/instances.md): not in the
  queue, its counts, the account panel or the filing search; its pages are a 404.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.links import is_project_id
from accounts.models import Account, Organization
from csmportal.clearance import exclude_hidden
from users.roles import ALL_ROLES, Role, has_role, is_admin, require_role

from .models import ACTIVE_STATUSES, OpsRequest, RequestEvent, RequestKind, RequestStatus


def is_ops(user: Any) -> bool:
    return has_role(user, Role.SUPPORT_OPS)


# A request is about its own instance (its organization's number's, kept when the org row is
# gone) and its organization's.
REQUEST_INSTANCE_FIELDS = ("zd_instance", "organization__zd_instance")


def visible_requests(queryset: QuerySet[OpsRequest], user: Any) -> QuerySet[OpsRequest]:
    """Leave out the requests about an organization of an instance hidden from the user."""
    return exclude_hidden(queryset, user, *REQUEST_INSTANCE_FIELDS)


def requests_for_user(user: Any) -> QuerySet[OpsRequest]:
    """Support ops (and admins) see the whole queue; a CSM their own and their accounts'."""
    items = visible_requests(
        OpsRequest.objects.select_related("account", "organization", "requested_by", "claimed_by"), user
    )
    if is_ops(user):
        return items
    return items.filter(Q(requested_by=user) | Q(account__csm=user))


def get_request_for_user(user: Any, pk: int) -> OpsRequest:
    """404 when it doesn't exist (or is about an instance hidden from the user), 403 when it
    isn't the user's to see."""
    require_role(user, *ALL_ROLES)
    item = get_object_or_404(
        visible_requests(OpsRequest.objects.all(), user).select_related(
            "account", "account__csm", "organization", "requested_by", "claimed_by"
        ),
        pk=pk,
    )
    if not can_view(user, item):
        raise PermissionDenied("This request belongs to another CSM's account.")
    return item


def can_view(user: Any, item: OpsRequest) -> bool:
    return is_ops(user) or item.requested_by_id == user.pk or item.account.csm_id == user.pk


def can_file_for(user: Any, account: Account) -> bool:
    """An account's CSM files requests for its orgs (any CSM while it has none, as for its
    onboarding); admins may file for any account."""
    if is_admin(user):
        return True
    return has_role(user, Role.CSM) and account.csm_id in (None, user.pk)


def get_organization_for_filing(user: Any, pk: int) -> Organization:
    require_role(user, *ALL_ROLES)
    org = get_object_or_404(
        Organization.objects.live().visible_to(user).select_related("account", "account__csm"),
        pk=pk,
        account__isnull=False,
    )
    if org.account is None or not can_file_for(user, org.account):
        raise PermissionDenied("Only the account's CSM can ask support ops to change its organization.")
    return org


def active_correction_for(org: Organization) -> OpsRequest | None:
    return active_of_kind(org, RequestKind.AM_PROJECT_ID)


def active_link_fix_for(org: Organization) -> OpsRequest | None:
    """The org's active "linked to the wrong account" request, if any."""
    return active_of_kind(org, RequestKind.ORG_LINK)


def active_of_kind(org: Organization, kind: str) -> OpsRequest | None:
    """The org's newest active request of this kind, if any."""
    return (
        OpsRequest.objects.filter(organization=org, kind=kind, status__in=ACTIVE_STATUSES)
        .order_by("-created_at")
        .first()
    )


def active_link_fixes(account: Account) -> dict[int, OpsRequest]:
    """The account's active "linked to the wrong account" requests, by org pk (one query)."""
    items = OpsRequest.objects.filter(
        account=account, kind=RequestKind.ORG_LINK, status__in=ACTIVE_STATUSES, organization__isnull=False
    ).order_by("created_at")
    return {item.organization_id: item for item in items if item.organization_id is not None}


@dataclass(frozen=True)
class Actions:
    """What the user may do with one request right now (the page shows only these)."""

    claim: bool = False
    release: bool = False
    done: bool = False
    decline: bool = False
    cancel: bool = False
    confirm: bool = False
    comment: bool = False

    @property
    def any_status_change(self) -> bool:
        return any((self.claim, self.release, self.done, self.decline, self.cancel, self.confirm))


def actions_for(user: Any, item: OpsRequest) -> Actions:
    ops = is_ops(user)
    admin = is_admin(user)
    mine_to_work = item.claimed_by_id is None or item.claimed_by_id == user.pk or admin
    owner = item.requested_by_id == user.pk or item.account.csm_id == user.pk or admin
    status = item.status
    return Actions(
        claim=ops and status in (RequestStatus.OPEN, RequestStatus.FLAGGED),
        release=ops and status == RequestStatus.CLAIMED and mine_to_work,
        done=ops
        and (
            status in (RequestStatus.OPEN, RequestStatus.FLAGGED)
            or (status == RequestStatus.CLAIMED and mine_to_work)
        ),
        decline=ops
        and status in (RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.FLAGGED)
        and (status != RequestStatus.CLAIMED or mine_to_work),
        cancel=owner and status in (RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.FLAGGED),
        confirm=owner
        and item.kind == RequestKind.ORG_NOTES
        and status in (RequestStatus.DONE, RequestStatus.FLAGGED),
        comment=can_view(user, item),
    )


def may_ever(user: Any, item: OpsRequest, action: str) -> bool:
    """Whether the user's role and relation to the request allow the action at all (whatever
    its status): a "no" is a 403, a "not now" is a conflict to explain."""
    if action in ("claim", "release", "done", "decline"):
        return is_ops(user)
    if action in ("cancel", "confirm"):
        if action == "confirm" and item.kind != RequestKind.ORG_NOTES:
            return False  # the org sync verifies corrections; nobody confirms them by hand
        return item.requested_by_id == user.pk or item.account.csm_id == user.pk or is_admin(user)
    return can_view(user, item)


def request_history(item: OpsRequest) -> QuerySet[RequestEvent]:
    return item.events.select_related("actor")


def queue_counts(items: QuerySet[OpsRequest]) -> dict[str, int]:
    """How many requests of the user's scope are in each active status (one query, grouped by
    status: a filtered count per status cost about twice the CPU to build and compile)."""
    found = dict(
        items.filter(status__in=ACTIVE_STATUSES)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {str(status): found.get(status, 0) for status in ACTIVE_STATUSES}


def account_requests(account: Account, *, user: Any, limit: int = 10) -> list[OpsRequest]:
    """The account's active requests for its page (newest first), but those about an instance
    hidden from the user."""
    return list(
        visible_requests(OpsRequest.objects.filter(account=account, status__in=ACTIVE_STATUSES), user)
        .select_related("organization", "requested_by", "claimed_by")
        .order_by("-created_at")[:limit]
    )


FILING_RESULTS = 20


@dataclass(frozen=True)
class FilingChoice:
    """An organization on the New request page, and whether a correction is under way."""

    org: Organization
    has_active_correction: bool

    @property
    def project_id_state(self) -> str:
        """ "ok", "invalid" (set, but not a project's numeric ID) or "missing"."""
        value = self.org.am_project_id or ""
        if is_project_id(value):
            return "ok"
        return "invalid" if value.strip() else "missing"


def organizations_for_filing(
    user: Any, *, q: str = "", account_id: int | None = None, limit: int = FILING_RESULTS
) -> tuple[list[FilingChoice], bool]:
    """Organizations the user may file requests for (`can_file_for`), matching the search: the
    org's or account's name, the account's Salesforce ID, the org's Zendesk ID. Without a search
    or an account, the user's own accounts'. At most `limit`; the flag says there were more."""
    orgs = (
        Organization.objects.live()
        .visible_to(user)
        .filter(account__isnull=False, account__deleted_at__isnull=True)
    )
    if not is_admin(user):
        orgs = orgs.filter(Q(account__csm=user) | Q(account__csm__isnull=True))
    q = q.strip()[:100]
    if account_id is not None:
        orgs = orgs.filter(account_id=account_id)
    if q:
        match = Q(name__icontains=q) | Q(account__name__icontains=q) | Q(account__sf_id__iexact=q)
        if q.isascii() and q.isdecimal() and len(q) <= 18:
            match |= Q(zd_id=int(q))
        orgs = orgs.filter(match)
    elif account_id is None:
        orgs = orgs.filter(account__csm=user)
    rows = list(orgs.select_related("account").order_by("account__name", "name", "pk")[: limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    corrections = set(
        OpsRequest.objects.filter(
            organization__in=rows, kind=RequestKind.AM_PROJECT_ID, status__in=ACTIVE_STATUSES
        ).values_list("organization_id", flat=True)
    )
    return [FilingChoice(org, org.pk in corrections) for org in rows], more
