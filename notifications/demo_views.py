"""The demo's "Open a ticket as this customer" button and the status line that follows it."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Account
from accounts.selectors import get_account_for_user
from csmportal.instances import GLOBAL
from tickets.models import Ticket
from users.roles import any_role_required

from .demo import DemoUnavailable, demo_account_for, demo_enabled, demo_ticket_open
from .models import Finding, Notification

CHANGED_EVENT = "notifications-changed"  # the bell listens for it
# The status line asks once a second; after this many answers it stops (no worker running?).
MAX_POLLS = 120


def _require_demo() -> None:
    if not demo_enabled():
        raise Http404("Only in the demo.")


@any_role_required
@require_POST
def demo_ticket(request: HttpRequest) -> HttpResponse:
    """Open a ticket as one of the account's customers through the sandbox's customer API
    (`account` posted by the account page; the notifications page leaves the choice to us)."""
    _require_demo()
    account = _account(request)
    try:
        if account is None:
            raise DemoUnavailable(
                "No account has a Zendesk organization and a CSM yet: is the first sync done?"
            )
        opened = demo_ticket_open(account=account)
    except DemoUnavailable as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "notifications/_demo_status.html", {"error": str(exc)})
        messages.error(request, str(exc))
        return _back(request, account)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "notifications/_demo_status.html", {"opened": opened, "polls": 0})
    messages.success(
        request,
        f"{opened.requester} of {opened.organization} opened ticket #{opened.zd_id}: "
        f"the bell shows it in a second or two.",
    )
    return _back(request, account)


def _account(request: HttpRequest) -> Account | None:
    value = request.POST.get("account", "")
    if value:
        if not value.isdecimal():
            raise Http404("No such account.")
        return get_account_for_user(request.user, int(value))
    return demo_account_for(request.user)


def _back(request: HttpRequest, account: Account | None) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("accounts:detail", account.pk) if account else redirect("notifications:list")


@any_role_required
@require_GET
def demo_ticket_status(request: HttpRequest, zd_id: int) -> HttpResponse:
    """Has the portal heard of the ticket yet, and whom did it notify? (asked once a second)"""
    _require_demo()
    try:
        polls = min(int(request.GET.get("n", "0")), MAX_POLLS)
    except ValueError:
        polls = 0
    # The demo opens its ticket in the sandbox's global instance; only if the person may see it.
    tickets = Ticket.objects.visible_to(request.user).filter(zd_id=zd_id, zd_instance=GLOBAL)
    ticket = tickets.select_related("account").first()
    notified: list[Notification] = []
    finding = None
    if ticket is not None:
        notified = list(
            Notification.objects.filter(ticket=ticket).select_related("recipient").order_by("recipient__name")
        )
        if not notified:
            finding = Finding.objects.filter(ticket=ticket).first()
    done = bool(notified) or finding is not None
    context = {
        "zd_id": zd_id,
        "ticket": ticket,
        "notified": notified,
        "finding": finding,
        "done": done,
        "polls": polls + 1,
        "gave_up": not done and polls >= MAX_POLLS,
    }
    response = render(request, "notifications/_demo_status.html", context)
    if notified:
        response["HX-Trigger"] = CHANGED_EVENT
    return response
