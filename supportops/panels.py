"""The account page's section about support-ops requests (registered in apps.py)."""

from typing import Any, TypedDict

from django.http import HttpRequest

from accounts.models import Account, Organization
from csmportal.versions import one_cached

from .models import OpsRequest
from .selectors import account_requests, can_file_for, can_view
from .text import collaboration_project_url, org_agent_url


class _Rows(TypedDict):
    orgs: list[Organization]
    items: list[OpsRequest]


def account_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    user = request.user
    # The account's orgs and active requests as the user may see them (docs/instances.md,
    # Access), cached with the account's version (csmportal.versions: a request's save bumps it).
    rows = one_cached(
        account.pk,
        user,
        "supportops",
        lambda: _Rows(
            orgs=list(account.organizations.live().visible_to(user)),
            items=account_requests(account, user=user),
        ),
    )
    orgs, items = rows["orgs"], rows["items"]
    open_by_org: dict[int | None, list] = {}
    for item in items:
        item.account = account  # the page's own row: can_view reads its CSM without a query
        open_by_org.setdefault(item.organization_id, []).append(item)
    # Each request is listed only to those who may open it (the detail page's own rule); the
    # org rows above still know a correction is under way, so nobody files a second one.
    visible = [item for item in items if can_view(request.user, item)]
    return {
        "can_file": can_file_for(request.user, account),
        "orgs": [
            {
                "org": org,
                "agent_url": org_agent_url(org.zd_id, org.zd_instance),
                "project_link": collaboration_project_url(org.am_project_id),
                "has_active_correction": any(i.is_correction for i in open_by_org.get(org.pk, [])),
            }
            for org in orgs
        ],
        "requests": visible,
        "hidden_requests": len(items) - len(visible),
    }
