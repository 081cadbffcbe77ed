from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.links import instance_label, zendesk_org_url
from accounts.selectors import get_account_for_user
from csmportal import instances
from csmportal.lists import csv_response, render_list
from csmportal.versions import one_cached
from users.roles import any_role_required

from .filters import PeopleFilter
from .rows_html import person_instance, unentitled_rows
from .selectors import account_people, unentitled_tickets

UNENTITLED_SHOWN = 20


@require_GET
@any_role_required
def account_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """An account's people: who may open tickets, who is missing, and the limits."""
    user = request.user
    account = get_account_for_user(user, pk)
    # Cached with the account's version (csmportal.versions: the sync's pages of contacts, users
    # and tickets, and the portal's writes, bump it).
    people = one_cached(account.pk, user, "people_details", lambda: account_people(account, user=user))
    people.account = account
    filterset = PeopleFilter(request.GET, people.people, request=request)
    shown, total = one_cached(account.pk, user, "unentitled", lambda: _unentitled(account, user))
    return render_list(
        request,
        "contacts/account.html",
        filterset.qs,
        per_page=100,
        context={
            "account": account,
            "people": people,
            "filter": filterset,
            "orgs": [
                {
                    "org": org,
                    "zendesk_url": zendesk_org_url(org.zd_id, org.zd_instance),
                    "instance": instance_label(org.zd_instance),
                }
                for org in people.orgs
            ],
            "unentitled": unentitled_rows(shown, account),
            "unentitled_total": total,
        },
    )


def _unentitled(account: Any, user: Any) -> tuple[list[Any], int]:
    """The first tickets from people without entitlement, and how many there are."""
    tickets = unentitled_tickets(account, user)
    shown = list(tickets[:UNENTITLED_SHOWN])
    return shown, tickets.count() if len(shown) == UNENTITLED_SHOWN else len(shown)


@require_GET
@any_role_required
def account_contacts_export(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    people = account_people(account, user=request.user)
    rows = PeopleFilter(request.GET, people.people, request=request).qs
    header = [
        "Name", "Email", "Status", "In Salesforce", "Zendesk user ID", "Zendesk organization",
        "Sold-to contact", "CMP developer", "Tickets",
    ]  # fmt: skip
    names = instances.labels()  # {} with one instance: no "Instance" column
    if names:
        header.insert(header.index("Zendesk user ID") + 1, "Instance")
    return csv_response(
        f"contacts-{account.sf_id}.csv",
        header,
        (
            [
                p.name,
                p.email,
                p.status_label,
                "yes" if p.contact else "no",
                p.user.zd_id if p.user else "",
                *([person_instance(names, p)] if names else []),
                p.user.organization.name if p.user and p.user.organization else "",
                "yes" if p.is_sold_to else "",
                "yes" if p.is_developer else "",
                p.tickets,
            ]
            for p in rows
        ),
    )  # type: ignore[return-value]
