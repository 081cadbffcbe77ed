from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.links import instance_label, zendesk_org_url
from accounts.selectors import get_account_for_user
from csmportal import instances
from csmportal.lists import csv_response, render_list
from users.roles import any_role_required

from .filters import PeopleFilter
from .rows_html import person_instance, unentitled_rows
from .selectors import account_people, unentitled_tickets

UNENTITLED_SHOWN = 20


@require_GET
@any_role_required
def account_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """An account's people: who may open tickets, who is missing, and the limits."""
    account = get_account_for_user(request.user, pk)
    people = account_people(account, user=request.user)
    filterset = PeopleFilter(request.GET, people.people, request=request)
    tickets = unentitled_tickets(account, request.user)
    shown = list(tickets[:UNENTITLED_SHOWN])
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
            "unentitled_total": tickets.count() if len(shown) == UNENTITLED_SHOWN else len(shown),
        },
    )


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
