"""Tickets pages: the dashboard (+ CSV), a ticket, an account's review and its education email."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from accounts.claims import organization_claims
from accounts.email_screen import (
    EmailScreen,
    email_screen_render,
    next_url,
    screen_recipients,
    send_requested,
)
from accounts.forms import AccountEmailForm
from accounts.links import collaboration_project_url
from accounts.selectors import get_account_for_user
from csmportal.filters import default_csm_scope
from csmportal.instances import GLOBAL
from csmportal.lists import csv_response, query_without, render_list
from csmportal.versions import one_cached
from feedback.references import parse_ticket
from users.roles import Role, any_role_required, has_role

from . import sla
from .account_review import DEFAULT_WEEKS, PERIODS, account_review
from .education import (
    draft_education_email,
    draft_ticket_education_email,
    education_gaps,
    education_recipients,
    may_send_education_email,
    ticket_findings,
    ticket_gap_findings,
    ticket_gaps,
)
from .export import export_header, export_rows
from .filters import SORTS, TicketFilter
from .models import Ticket
from .review import CHECKS
from .review_html import gap_rows, lowest_rows
from .selectors import (
    CappedPaginator,
    dashboard_tickets,
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
KEEP_FOR_QUICK = ("csm", "account", "instance")


@require_GET
@any_role_required
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    filterset = TicketFilter(
        default_csm_scope(request.GET, request), ticket_dashboard(request.user), request=request
    )
    kept = {k: v for k in KEEP_FOR_QUICK if (v := filterset.form.data.get(k))}
    quick = [{"label": label, "query": urlencode({**kept, **extra})} for label, extra in QUICK_FILTERS]
    sort = filterset.form.data.get("sort") or "opened"
    return render_list(
        request,
        "tickets/list.html",
        dashboard_tickets(filterset, request.user),
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
    filterset = TicketFilter(
        default_csm_scope(request.GET, request), ticket_export(request.user), request=request
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = export_rows(request, filterset.qs)
    return cast(HttpResponse, csv_response(f"tickets-{stamp}.csv", export_header(), rows))  # streamed


@require_GET
@any_role_required
def ticket_detail(request: HttpRequest, zd_id: int, instance: str = GLOBAL) -> HttpResponse:
    """A ticket's page at its instance and Zendesk number (the global instance's without the
    instance). A number that is no global ticket's but a portal id (the address in emails and
    exports sent before) redirects to that ticket's page: with a 302, because the number may
    become a Zendesk ticket's later."""
    named = request.resolver_match is not None and "instance" in request.resolver_match.kwargs
    if named and instance == GLOBAL:
        return redirect("tickets:detail", zd_id, permanent=True)
    try:
        ticket = get_ticket_for_user(request.user, zd_id, instance)
    except Http404:
        found = ticket_zd_id_for_user(request.user, zd_id) if instance == GLOBAL else None
        if found is None:
            raise
        return redirect(found)
    findings = ticket_findings(ticket)
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
            "gaps": ticket_gap_findings(ticket),
            "passed": [f for f in findings if f.get("outcome") in ("pass", "clear")],
            **_act_links(request, ticket),
            "older_link": emailed_under_old_address(request.user, zd_id, ticket)
            if instance == GLOBAL
            else None,
        },
    )


def _act_links(request: HttpRequest, ticket: Ticket) -> dict[str, str]:
    """Act where you read: forward feedback about this ticket, teach its requester from it."""
    if ticket.account_id is None:
        return {}
    back = {"next": request.get_full_path()}
    forward = urlencode({"ticket": ticket.reference, "account": str(ticket.account_id)})
    return {
        # CSMs forward feedback (on their own behalf); everyone may draft the email.
        "forward_url": f"{reverse('feedback:forward')}?{forward}" if has_role(request.user, Role.CSM) else "",
        "teach_url": reverse("tickets:education_email", args=[ticket.account_id])
        + "?"
        + urlencode({"ticket": ticket.reference, **back}),
    }


@require_GET
@any_role_required
def ticket_by_portal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The portal's own id of a ticket: a permanent redirect to its page at its Zendesk number."""
    found = ticket_zd_id_for_user(request.user, pk)
    if found is None:
        raise Http404("No such ticket.")
    return redirect(found, permanent=True)


def _weeks(request: HttpRequest) -> int:
    value = request.GET.get("weeks", "")
    return int(value) if value.isdecimal() and int(value) in PERIODS else DEFAULT_WEEKS


@require_GET
@any_role_required
def account_review_view(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, account_pk)
    weeks = _weeks(request)
    # The review (shared with the education email) and the claims are cached with the account's
    # version (csmportal.versions: the sync, the ticket review and the portal's writes bump it).
    review = one_cached(
        account.pk,
        request.user,
        f"review:{weeks}",
        lambda: account_review(account, weeks=weeks, user=request.user),
    )
    review.account = account
    claims = one_cached(
        account.pk,
        request.user,
        "review_claims",
        lambda: organization_claims(account, list(account.organizations.live().visible_to(request.user))),
    )
    return render(
        request,
        "tickets/account_review.html",
        {
            "account": account,
            "review": review,
            "claims": claims,
            "chart_data": review.chart_data(),
            "gap_rows": gap_rows(review),
            "lowest_rows": lowest_rows(review),
            "periods": PERIODS.items(),
            "tickets_query": urlencode({"csm": "any", "account": str(account.pk)}),
        },
    )


@require_http_methods(["GET", "POST"])
@any_role_required
def education_email_view(request: HttpRequest, account_pk: int) -> HttpResponse:
    """The education email on the one email screen: from the account's most common gaps, or
    (`?ticket=<Zendesk number>`, "Teach from this ticket") from one ticket's own gaps, to its
    requester, greeting them by name."""
    account = get_account_for_user(request.user, account_pk)
    weeks = _weeks(request)
    ticket = _teaching_ticket(request, account)
    may_send = may_send_education_email(request.user, account)
    recipients = screen_recipients(request, account, lambda: education_recipients(account, request.user))
    review = None
    default_back = f"{reverse('tickets:account_review', args=[account.pk])}?weeks={weeks}"
    if ticket is not None:
        gaps = ticket_gaps(ticket)
        subject, body = draft_ticket_education_email(ticket, sender_name=str(request.user))
        requester = (
            (ticket.requester.email or "") if ticket.requester and not ticket.requester.deleted_at else ""
        )
        initial_to = next((r.email for r in recipients if r.email.lower() == requester.lower()), "")
    else:
        # Cached with the account's version (csmportal.versions) to show the screen; read now
        # to send (the email records the gaps it teaches).
        review = (
            one_cached(
                account.pk,
                request.user,
                f"review:{weeks}",
                lambda: account_review(account, weeks=weeks, user=request.user),
            )
            if request.method == "GET"
            else account_review(account, weeks=weeks, user=request.user)
        )
        review.account = account
        gaps = education_gaps(review)
        subject, body = draft_education_email(review, sender_name=str(request.user))
        initial_to = ""
    if not initial_to and len(recipients) == 1:
        initial_to = recipients[0].email
    back = next_url(request, default_back)
    if request.method == "POST" and not request.POST.get("preview") and not may_send:
        raise PermissionDenied("Only the account's CSM (or an admin) sends email to its customers.")
    form = AccountEmailForm(
        request.POST if request.method == "POST" else None,
        account=account,
        recipients=recipients,
        user=request.user,
        initial={"subject": subject, "body": body, "to": initial_to, "copy_me": True},
    )
    if send_requested(request, form):
        email = education_email_send(
            account=account,
            sender=request.user,
            to_email=form.cleaned_data["to"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            gaps=gaps,
            copy_sender=form.cleaned_data["copy_me"],
            ticket=ticket,
        )
        messages.success(
            request,
            f"Sending \u201c{email.subject}\u201d to {email.to_email}; it is recorded in {account.name}'s "
            "audit trail.",
        )
        return redirect(back)
    screen = _education_screen(request, account, ticket, review, may_send, recipients, back, weeks)
    return email_screen_render(
        request,
        account=account,
        form=form,
        screen=screen,
        review=review,
        ticket=ticket,
        gaps=[CHECKS[code] for code in gaps],
    )


def _teaching_ticket(request: HttpRequest, account: Any) -> Ticket | None:
    """The ticket to teach from (by its Zendesk number, or its link for another instance's
    ticket): one of this account's, else a 404."""
    text = (request.POST.get("ticket") or request.GET.get("ticket") or "").strip()[:500]
    if not text:
        return None
    found = parse_ticket(text)
    if found is None:
        raise Http404("No such ticket on this account.")
    ticket = (
        Ticket.objects.visible_to(request.user)
        .select_related("requester", "requester__contact")
        .filter(account=account, zd_id=found.number, zd_instance=found.instance)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket on this account.")
    return ticket


def _education_screen(
    request: HttpRequest,
    account: Any,
    ticket: Ticket | None,
    review: Any,
    may_send: bool,
    recipients: list,
    back: str,
    weeks: int,
) -> EmailScreen:
    hidden = {"next": back}
    notices: list[tuple[str, str]] = []
    if ticket is not None:
        hidden["ticket"] = ticket.reference
        requester = ticket.requester
        title = f"Teach from ticket #{ticket.zd_id}"
        intro = (
            "An email to the ticket's requester about this ticket's own gaps, with the handbook's "
            "guidance for each. Edit it, then send it from the portal or copy it into your own email."
        )
        back_label = f"Ticket #{ticket.zd_id}"
        email = (requester.email or "") if requester and not requester.deleted_at else ""
        if not email:
            notices.append(
                ("info", "The portal has no email address for the ticket's requester: choose a recipient.")
            )
        elif not any(r.email.lower() == email.lower() for r in recipients):
            notices.append(
                (
                    "warn",
                    f"The requester ({email}) is not one of {account.name}'s own people, so the "
                    "email cannot go to them: choose another recipient.",
                )
            )
    else:
        title = "Education email"
        intro = (
            f"Drafted from {account.name}'s most common gaps over the last {weeks} weeks, with the "
            "handbook's guidance for each. Edit it, then send it from the portal or copy it into your "
            "own email."
        )
        back_label = f"Ticket review: {account.name}"
    csm = f" ({account.csm})" if account.csm_id else ""
    return EmailScreen(
        title=title,
        intro=intro,
        back_url=back,
        back_label=back_label,
        may_send=may_send,
        recipients=recipients,
        to_help="One of the account's own people: its sold-to contact, its Salesforce contacts, the "
        "Zendesk users of its organizations.",
        aside="tickets/_education_aside.html",
        hidden=hidden,
        notices=notices,
        cannot_send=f"Only the account's CSM{csm} or an admin sends email to this customer from the "
        "portal. You can copy the text.",
    )
