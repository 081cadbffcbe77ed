"""The onboarding step "Static organization notes" is satisfied by a notes request to support ops
(registered with `accounts.step_actions` in apps.py)."""

from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Account
from accounts.step_actions import Evidence

from .models import CLOSED_STATUSES, OpsRequest, RequestKind, RequestStatus


def notes_request_evidence(item: OpsRequest) -> Evidence:
    return Evidence(
        text=f"Asked support ops for static notes on {item.organization or 'the organization'}: "
        f"request {item.reference}.",
        url=reverse("supportops:detail", args=[item.pk]),
        by_id=item.requested_by_id,
    )


def notes_requests_filed(account_ids: list[int]) -> dict[int, Evidence]:
    """The latest notes request of each account that is open or was carried out (not cancelled
    or declined)."""
    refused = [s for s in CLOSED_STATUSES if s != RequestStatus.VERIFIED]
    items = (
        OpsRequest.objects.filter(account_id__in=account_ids, kind=RequestKind.ORG_NOTES)
        .exclude(status__in=refused)
        .select_related("organization")
        .order_by("account_id", "-created_at", "-pk")
    )
    latest: dict[int, Evidence] = {}
    for item in items:
        latest.setdefault(item.account_id, notes_request_evidence(item))
    return latest


def new_request_url(account: Account) -> str:
    """New request, with the account's organizations to choose from."""
    return reverse("supportops:new") + "?" + urlencode({"account": account.pk})
