"""Tickets pages: the dashboard (+ CSV), a ticket, an account's review and its education email."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from accounts.links import collaboration_project_url
from accounts.selectors import get_account_for_user
from csmportal.filters import default_csm_scope
from csmportal.lists import csv_response, query_without, render_list
from users.roles import any_role_required

from . import sla
from .account_review import DEFAULT_WEEKS, PERIODS, account_review
from .education import draft_education_email, education_gaps, education_recipients, may_send_education_email
from .export import export_header, export_rows
from .filters import SORTS, TicketFilter
from .forms import EducationEmailForm
from .review import CHECKS
from .selectors import (
    CappedPaginator,
    emailed_under_old_address,
    get_ticket_for_user,
    requester_entitlement,
    salesforce_record_url,
    ticket_cases,
    ticket_comments,
    ticket_dashboard,
    ticket_export,
    ticket_zd_id_for_user,
)
from .services import education_email_send

QUICK_FILTERS = [
    ("SLA breached", {"sla": "breached", "status": "unsolved"}),
    ("Secrets to rotate", {"finding": "sensitive"}),
    ("Awaiting the customer", {"finding": "follow_up", "status": "unsolved"}),
    ("Lowest scores", {"sort": "score"}),
]
KEEP_FOR_QUICK = ("csm", "account")


@require_GET
@any_role_required
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    filterset = TicketFilter(default_csm_scope(request.GET, request), ticket_dashboard(), request=request)
    kept = {k: v for k in KEEP_FOR_QUICK if (v := filterset.form.data.get(k))}
    quick = [{"label": label, "query": urlencode({**kept, **extra})} for label, extra in QUICK_FILTERS]
    sort = filterset.form.data.get("sort") or "opened"
    return render_list(
        request,
        "tickets/list.html",
        filterset.qs,
        context={
            "filter": filterset,
            "quick_filters": quick,
            "sorts": [(key, label, key == sort) for key, (label, _) in SORTS.items()],
            "query_without_sort": query_without(request, "sort", "page"),
            "export_query": query_without(request, "page"),
        },
        paginator_class=CappedPaginator,
    )


@require_GET
@any_role_required
def ticket_export_view(request: HttpRequest) -> HttpResponse:
    filterset = TicketFilter(default_csm_scope(request.GET, request), ticket_export(), request=request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = export_rows(request, filterset.qs)
    return cast(HttpResponse, csv_response(f"tickets-{stamp}.csv", export_header(), rows))  # streamed


@require_GET
@any_role_required
def ticket_detail(request: HttpRequest, zd_id: int) -> HttpResponse:
    """A ticket's page at its Zendesk number. A number that is no Zendesk ticket's but a portal
    id (the address in emails and exports sent before) redirects to that ticket's page: with a
    302, because the number may become a Zendesk ticket's later."""
    try:
        ticket = get_ticket_for_user(request.user, zd_id)
    except Http404:
        found = ticket_zd_id_for_user(request.user, zd_id)
        if found is None:
            raise
        return redirect("tickets:detail", found)
    findings = [f for f in ticket.quality_findings if isinstance(f, dict) and f.get("code") in CHECKS]
    return render(
        request,
        "tickets/detail.html",
        {
            "ticket": ticket,
            "comments": ticket_comments(ticket),
            "cases": [(case, salesforce_record_url(case.sf_id)) for case in ticket_cases(ticket)],
            "entitlement": requester_entitlement(ticket),
            "sla": sla.explain(ticket, timezone.now()),
            # What support sees under "Apps" in Zendesk: the org's collaboration project link.
            "project_url": collaboration_project_url(ticket.organization.am_project_id)
            if ticket.organization
            else "",
            "gaps": sorted(
                (f for f in findings if f.get("outcome") in ("partial", "missing", "flagged")),
                key=_teaching_order,
            ),
            "passed": [f for f in findings if f.get("outcome") in ("pass", "clear")],
            "older_link": emailed_under_old_address(request.user, zd_id, ticket),
        },
    )


@require_GET
@any_role_required
def ticket_by_portal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The portal's own id of a ticket: a permanent redirect to its page at its Zendesk number."""
    found = ticket_zd_id_for_user(request.user, pk)
    if found is None:
        raise Http404("No such ticket.")
    return redirect("tickets:detail", found, permanent=True)


def _teaching_order(finding: dict) -> tuple[int, int]:
    """Practices to stop (a secret first) before missing details, biggest first."""
    info = CHECKS[finding["code"]]
    lost = finding.get("points", 0) if info.negative else info.points - finding.get("points", 0)
    return (0 if info.negative else 1, -lost)


def _weeks(request: HttpRequest) -> int:
    value = request.GET.get("weeks", "")
    return int(value) if value.isdecimal() and int(value) in PERIODS else DEFAULT_WEEKS


@require_GET
@any_role_required
def account_review_view(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, account_pk)
    review = account_review(account, weeks=_weeks(request))
    return render(
        request,
        "tickets/account_review.html",
        {
            "account": account,
            "review": review,
            "chart_data": review.chart_data(),
            "periods": PERIODS.items(),
            "tickets_query": urlencode({"csm": "any", "account": str(account.pk)}),
        },
    )


@require_http_methods(["GET", "POST"])
@any_role_required
def education_email_view(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, account_pk)
    weeks = _weeks(request)
    review = account_review(account, weeks=weeks)
    gaps = education_gaps(review)
    may_send = may_send_education_email(request.user, account)
    recipients = education_recipients(account)
    if request.method == "POST":
        if not may_send:
            raise PermissionDenied("Only the account's CSM (or an admin) sends email to its customers.")
        form = EducationEmailForm(request.POST, recipients=recipients)
        if form.is_valid():
            email = education_email_send(
                account=account,
                sender=request.user,
                to_email=form.cleaned_data["to"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                gaps=gaps,
                copy_sender=form.cleaned_data["copy_me"],
            )
            messages.success(request, f"Sent \u201c{email.subject}\u201d to {email.to_email}.")
            return redirect(f"{reverse('tickets:account_review', args=[account.pk])}?weeks={weeks}")
    else:
        subject, body = draft_education_email(review, sender_name=str(request.user))
        initial_to = recipients[0].email if len(recipients) == 1 else ""
        form = EducationEmailForm(
            initial={"subject": subject, "body": body, "to": initial_to}, recipients=recipients
        )
    return render(
        request,
        "tickets/education_email.html",
        {
            "account": account,
            "review": review,
            "form": form,
            "may_send": may_send,
            "gaps": [CHECKS[code] for code in gaps],
            "weeks": weeks,
            "has_recipients": bool(recipients),
        },
    )
