"""The queue (managers: everything; CSMs: theirs), its CSV export, and forwarding."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from csmportal.dates import when_zone
from csmportal.instances import GLOBAL, label, labels
from csmportal.lists import csv_response, render_list
from tickets.review import mask
from users.roles import Role, any_role_required, role_required, user_roles

from ..filters import FeedbackFilter, default_queue_scope
from ..forms import ForwardForm
from ..models import Feedback, FeedbackStatus
from ..references import looks_like_reference, parse_ticket
from ..rotation import current_week_start, manager_on_duty, next_empty_week
from ..rows import paginator_counting, queue_items
from ..selectors import can_forward, feedback_for_user, find_ticket, is_manager, queue_counts, ticket_search
from ..services import feedback_forward


def _queue(user: Any) -> tuple[QuerySet[Feedback], bool]:
    manager = is_manager(user)
    items = feedback_for_user(user)
    if manager:
        # Waiting for a first response first, soonest due first; then the rest, newest first.
        items = items.annotate(
            waiting=Case(
                When(first_responded_at__isnull=True, status__in=[FeedbackStatus.NEW], then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("waiting", F("first_response_due_at").asc(nulls_last=True), "-created_at", "-pk")
    else:
        items = items.order_by("-created_at", "-pk")
    return items, manager


@require_GET
@any_role_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    items, manager = _queue(request.user)
    filterset = FeedbackFilter(default_queue_scope(request.GET, manager=manager), items, request=request)
    context: dict[str, Any] = {
        "filter": filterset,
        "is_manager": manager,
        "can_forward": can_forward(request.user),
    }
    if manager and not getattr(request, "htmx", False):
        context["counts"] = queue_counts(feedback_for_user(request.user), request.user)
        context["empty_week"] = next_empty_week()
        context["this_week"] = current_week_start()
        context["can_take"] = Role.SUPPORT_MANAGER in user_roles(request.user)
    items = queue_items(filterset.qs)  # what a row shows (feedback.rows)
    counting = paginator_counting(filterset.qs.count)  # without the joins of the row's columns
    return render_list(request, "feedback/list.html", items, context=context, paginator_class=counting)


@require_GET
@any_role_required
def feedback_export(request: HttpRequest) -> HttpResponse:
    items, manager = _queue(request.user)
    filterset = FeedbackFilter(default_queue_scope(request.GET, manager=manager), items, request=request)
    header = [
        "Item", "Forwarded", "Account", "Ticket", "Sentiment", "Channel", "Status", "Forwarded by",
        "Reviewing manager", "First response due", "First responded", "Overdue", "Wants manager contact",
        "Summary", "Action", "Contact customer", "Make CSM aware", "Outcome", "Customer's words",
        "CSM context",
    ]  # fmt: skip
    names = labels()  # {} with one instance: no "Instance" column
    if names:
        header.insert(header.index("Ticket") + 1, "Instance")

    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    rows = (
        [
            item.pk,
            item.created_at.isoformat(),
            item.account.name,
            item.ticket_number or "",
            *([label(names, item.zd_instance) if item.ticket_number else ""] if names else []),
            item.get_sentiment_display(),
            item.get_channel_display(),
            item.get_status_display(),
            str(item.forwarded_by),
            str(item.reviewing_manager or ""),
            item.first_response_due_at.isoformat() if item.first_response_due_at else "",
            item.first_responded_at.isoformat() if item.first_responded_at else "",
            yes_no(item.is_overdue),
            yes_no(item.wants_manager_contact),
            item.summary,
            item.action,
            yes_no(item.contact_customer),
            yes_no(item.make_csm_aware),
            item.outcome,
            mask(item.customer_words),
            item.csm_context,
        ]
        for item in filterset.qs.iterator(chunk_size=500)
    )
    return cast(HttpResponse, csv_response("feedback.csv", header, rows))  # streamed


@require_http_methods(["GET", "POST"])
@role_required(Role.CSM)
def feedback_forward_view(request: HttpRequest) -> HttpResponse:
    """A CSM forwards feedback, always as themselves (managers get a 403 here)."""
    if request.method == "POST":
        form = ForwardForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = feedback_forward(
                    forwarded_by=request.user,
                    account=data["account_obj"],
                    ticket=form.resolved_ticket,
                    zd_ticket_id=form.zd_ticket_id,
                    zd_instance=form.zd_instance,
                    sentiment=data["sentiment"],
                    channel=data["channel"],
                    customer_words=data["customer_words"],
                    csm_context=data["csm_context"],
                    wants_manager_contact=data["wants_manager_contact"],
                    submission_key=data.get("submission_key"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                who = item.reviewing_manager or "the support managers (nobody is on duty this week)"
                due = when_zone(item.first_response_due_at)
                messages.success(request, f"Forwarded to {who}. First response due {due}.")
                return redirect("feedback:detail", item.pk)
    else:
        initial: dict[str, Any] = {}
        account = request.GET.get("account", "")
        if account.isdecimal():
            initial["account"] = int(account)
        if request.GET.get("ticket"):
            initial["ticket"] = request.GET["ticket"][:500]
        form = ForwardForm(initial=initial, user=request.user)
    return render(request, "feedback/forward.html", {"form": form, "on_duty": manager_on_duty()})


@require_GET
@role_required(Role.CSM)
def ticket_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: what the ticket field names (a number/link resolved), or tickets matching words.

    A ticket found by its number fills in the account on the page (static/feedback/feedback.js,
    from the fragment's data-ticket-account), unless the CSM chose one themselves: an account
    the lookup filled in is sent as `account_from_ticket` and counts as not chosen. `pick` (a
    result clicked, or Enter in the field) also writes the ticket's number in the field; with
    words, the first result's."""
    text = request.GET.get("ticket", "")[:500].strip()
    account = request.GET.get("account", "")
    chosen = account.isdecimal() and not request.GET.get("account_from_ticket")
    account_id = int(account) if chosen else None
    context: dict[str, Any] = {"text": text, "account_id": account_id}
    if looks_like_reference(text):
        found = parse_ticket(text)
        context["number"] = found.number if found else None
        context["ticket"] = find_ticket(found.number, found.instance, request.user) if found else None
    else:
        context["results"] = ticket_search(text, account_id=account_id, user=request.user)
        if not context["results"] and account_id:
            context["results_elsewhere"] = ticket_search(text, account_id=None, user=request.user)
    if request.GET.get("pick") and not context.get("number"):
        # Enter pressed before the results of these words were on screen (static/js/portal.js
        # asks again with `pick`): the first result, the one the list marks, is picked.
        first = next(iter(context.get("results") or context.get("results_elsewhere") or []), None)
        if first is not None:
            context["number"] = first.zd_id
            context["ticket"] = find_ticket(first.zd_id, first.zd_instance, request.user)
    if request.GET.get("pick") and context.get("ticket") is not None:
        ticket = context["ticket"]
        form = ForwardForm(
            initial={
                "ticket": f"#{ticket.reference}" if ticket.zd_instance == GLOBAL else ticket.reference,
                "account": ticket.account_id or account_id,
            },
            user=request.user,
        )
        for name in ("ticket", "account"):  # both replace the form's own fields (out of band)
            form.fields[name].widget.attrs["hx-swap-oob"] = "true"
        if ticket.account_id:
            form.fields["account"].widget.attrs["data-from-ticket"] = ""  # not the CSM's own choice
        form.fields["ticket"].widget.attrs["hx-trigger"] = "input changed delay:350ms"
        del form.fields["ticket"].widget.attrs["data-lookup-on-load"]
        context["picked_form"] = form
    return render(request, "feedback/_ticket_lookup.html", context)
