from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.views.decorators.http import require_GET, require_http_methods

from contacts.rules import cmp_eligible
from contacts.selectors import PeopleSummary, account_people, people_summary
from csmportal.filters import default_csm_scope
from csmportal.lists import csv_response, render_list
from csmportal.versions import one_cached
from tickets.links import open_tickets_url
from users.roles import Role, any_role_required, role_required

from .claims import organization_claims
from .filters import AccountFilter
from .findings import Problem
from .forms import InviteCsmForm, possible_owner_choices
from .links import collaboration_project_url, instance_label, salesforce_account_url, zendesk_org_url
from .onboarding_html import owner_options, owner_select, start_select, step_html
from .panels import panels_for
from .permissions import can_confirm_organization_link, can_manage_onboarding, can_work_step
from .portfolio import portfolio_rows, portfolio_stats
from .selectors import (
    account_checklists,
    account_events,
    account_list,
    account_page,
    get_account_for_user,
    people_to_invite,
    portfolio_paginator,
    startable_template_rows,
)
from .services.invitations import csm_invite
from .step_actions import action_link, step_action_key

TRAIL_ON_PAGE = 15


def _portfolio(request: HttpRequest) -> AccountFilter:
    return AccountFilter(default_csm_scope(request.GET, request), account_list(request.user), request=request)


@require_GET
@any_role_required
def account_list_view(request: HttpRequest) -> HttpResponse:
    filterset = _portfolio(request)
    accounts = filterset.qs
    stats = (
        _with_open_tickets_url(filterset, portfolio_stats(accounts, request.user))
        if filterset.is_valid()
        else None
    )
    return render_list(
        request,
        "accounts/list.html",
        accounts,
        paginator_class=portfolio_paginator(request.user),
        context={
            "filter": filterset,
            "stats": stats,
            "problem_labels": dict(Problem.choices),
        },
    )


# Portfolio filters the ticket list cannot express: with any of them set, the total of open
# tickets has no list of exactly those tickets to link to ("instance" picks accounts with an
# organization there, whose tickets may be any instance's).
NOT_IN_TICKET_LIST = ("q", "support_level", "region", "onboarding", "problem", "renewal", "instance")


def _with_open_tickets_url(filterset: AccountFilter, stats: dict[str, Any]) -> dict[str, Any]:
    """The total of open tickets links to the ticket list when that list shows exactly them:
    the portfolio narrowed by CSM only ("mine" or one CSM; "any" and "none" would also list
    tickets linked to no account)."""
    data = filterset.form.cleaned_data
    csm = str(data.get("csm") or "")
    expressible = csm == "mine" or csm.isdecimal()
    if expressible and not any(data.get(name) for name in NOT_IN_TICKET_LIST):
        return {**stats, "tickets_open_url": open_tickets_url(csm=csm)}
    return stats


@require_GET
@any_role_required
def account_export(request: HttpRequest) -> HttpResponse:
    accounts = _portfolio(request).qs
    labels = dict(Problem.choices)
    header = [
        "Account", "Salesforce ID", "CSM", "Plan", "Region", "Seats", "ARR", "Renewal date",
        "Onboarding steps done", "Onboarding steps", "Open tickets", "Good ratings (90 days)",
        "Bad ratings (90 days)", "Data problems",
    ]  # fmt: skip
    rows = (
        [
            a.name,
            a.sf_id,
            a.csm,
            a.get_support_level_display(),
            a.region,
            a.seats,
            a.arr,
            a.renewal_date,
            a.steps_done,
            a.steps_total,
            a.open_tickets,
            a.ratings_good,
            a.ratings_bad,
            "; ".join(labels[p] for p in a.problems),
        ]
        for a in _rows_in_chunks(accounts, request.user)
    )
    return csv_response("accounts.csv", header, rows)  # type: ignore[return-value]


def onboarding_context(
    request: HttpRequest, account: Any, *, forms: dict | None = None, **extra: Any
) -> dict[str, Any]:
    """The onboarding section and the trail (what a checklist action re-renders for htmx).

    `forms` holds forms that failed validation, by step pk (or "add-<checklist pk>"), so the
    page shows their errors next to the step and keeps what the user typed.
    """
    user = request.user
    forms = forms or {}
    can_manage = can_manage_onboarding(user, account)
    # The checklists and the trail, cached with the account's version (csmportal.versions:
    # every checklist change and trail line bumps it).
    checklists = one_cached(account.pk, user, "checklists", lambda: account_checklists(account))
    owners = possible_owner_choices() if can_manage else []
    options = owner_options(owners) if can_manage else ""
    csrf = csrf_input(request)
    for checklist in checklists:
        # A failed "add a step" form, or None: an empty form's value and errors print nothing,
        # so none is built (a form per checklist, its errors rendered through templates).
        checklist.add_form = forms.get(f"add-{checklist.pk}")  # type: ignore[attr-defined]
        steps = list(checklist.steps.all())
        for counter, step in enumerate(steps, start=1):
            step.can_work = can_work_step(user, step, account)  # type: ignore[attr-defined]
            step.form = forms.get(step.pk)  # type: ignore[attr-defined]
            step.action_link = action_link(step_action_key(step), account)  # type: ignore[attr-defined]
            if can_manage:
                step.owner_select = owner_select(step.pk, step.owner_id, options)  # type: ignore[attr-defined]
            # Written in Python, but a step with a failed form (its errors, what was typed).
            step.html = (  # type: ignore[attr-defined]
                step_html(
                    step,
                    account_pk=account.pk,
                    counter=counter,
                    last=counter == len(steps),
                    can_manage=can_manage,
                    csrf_input=csrf,
                )
                if step.pk not in forms
                else ""
            )
    templates = startable_template_rows(account) if can_manage else []
    steps = [step for checklist in checklists for step in checklist.steps.all()]
    return {
        "account": account,
        "checklists": checklists,
        "steps_total": len(steps),
        "steps_done": sum(1 for step in steps if step.is_finished),
        "can_manage": can_manage,
        "start_select": start_select(templates) if templates else "",
        "owners": owners,
        "events": one_cached(
            account.pk, user, "trail", lambda: list(account_events(account)[:TRAIL_ON_PAGE])
        ),
        **extra,
    }


def _rows_in_chunks(accounts: Any, user: Any, size: int = 500) -> Any:
    """Every filtered account with its columns as `user` sees them, a chunk at a time (the CSV
    streams)."""
    ids = list(accounts.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield from portfolio_rows(ids[start : start + size], user)


def account_context(request: HttpRequest, account: Any, **extra: Any) -> dict[str, Any]:
    """Everything the account page shows."""
    page = account_page(account, request.user)
    claims = _claims_context(request, account, page.orgs)
    unconfirmed = {item["claim"].org.pk for item in claims["items"]}
    return onboarding_context(
        request,
        account,
        page=page,
        orgs=[
            {
                "org": org,
                "zendesk_url": zendesk_org_url(org.zd_id, org.zd_instance),
                "instance": instance_label(org.zd_instance),
                "project_url": collaboration_project_url(org.am_project_id),
                "mismatches": page.mismatches.get(org.pk, set()),
                "unconfirmed": org.pk in unconfirmed,
            }
            for org in page.orgs
        ],
        salesforce_url=salesforce_account_url(account.sf_id),
        claims=claims,
        people=_people_summary(account, page.orgs, request.user),
        panels=panels_for(request, account),
        **extra,
    )


def _people_summary(account: Any, orgs: list[Any], user: Any) -> PeopleSummary:
    """Who can open tickets and the limits (`account_people` without its details, as a
    summary: no row per person), cached with the account's version (csmportal.versions)."""
    people = one_cached(
        account.pk,
        user,
        "people_summary",
        lambda: people_summary(account_people(account, orgs=orgs, user=user, details=False)),
    )
    people.eligible = cmp_eligible(account.seats)
    return people


def _claims_context(request: HttpRequest, account: Any, orgs: list[Any]) -> dict[str, Any]:
    """The orgs that claim the account unconfirmed, and what the user may do about them."""
    from supportops.selectors import can_file_for, can_view

    claims = one_cached(account.pk, request.user, "claims", lambda: organization_claims(account, orgs))
    for claim in claims:
        if claim.request is not None:
            claim.request.account = account  # can_view reads its CSM without a query
    return {
        "items": [
            {"claim": c, "request_visible": bool(c.request and can_view(request.user, c.request))}
            for c in claims
        ],
        "can_confirm": bool(claims) and can_confirm_organization_link(request.user, account),
        "can_file": bool(claims) and can_file_for(request.user, account),
    }


@require_GET
@any_role_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    return render(request, "accounts/detail.html", account_context(request, account))


@require_GET
@any_role_required
def account_history(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    return render_list(
        request, "accounts/history.html", account_events(account), context={"account": account}
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def people_to_invite_view(request: HttpRequest) -> HttpResponse:
    """Salesforce CSMs without a portal login; one click invites one (admins only)."""
    form = InviteCsmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sf_user = form.cleaned_data["sf_user"]
        try:
            user = csm_invite(sf_user=sf_user, invited_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("accounts:people_to_invite")
    return render(request, "accounts/people_to_invite.html", {"form": form, "rows": people_to_invite()})
