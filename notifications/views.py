"""Pages of the notifications: the list and bell, preferences, follow/mute, findings, outbox."""

from typing import cast

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Account
from accounts.selectors import get_account_for_user
from csmportal.lists import render_list
from users.models import User
from users.roles import Role, any_role_required, role_required

from .demo import demo_enabled
from .filters import FindingFilter, NotificationFilter, OutboxFilter
from .forms import FollowForm, PreferenceForm, WatchForm
from .models import Delivery
from .rule import max_ticket_age
from .selectors import (
    account_watch_summary,
    bell_summary,
    delivery_for,
    finding_list,
    get_notification_for_user,
    get_outbox_message_for_user,
    notification_list,
    outbox_list,
    require_findings_access,
    unread_count,
    watches_of,
)
from .services import (
    account_watch_change,
    notification_mark_read,
    notification_mark_unread,
    notification_preference_set,
    notifications_mark_all_read,
)

CHANGED_EVENT = "notifications-changed"  # the bell listens for it


@any_role_required
@require_GET
def notification_list_view(request: HttpRequest) -> HttpResponse:
    filterset = NotificationFilter(request.GET, notification_list(request.user), request=request)
    context = {
        "filter": filterset,
        "unread": unread_count(request.user),
        "delivery": delivery_for(request.user),
        "demo": demo_enabled(),
    }
    return render_list(request, "notifications/list.html", filterset.qs, context=context)


@any_role_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    unread, newest = bell_summary(request.user)
    return render(request, "notifications/_bell.html", {"unread": unread, "newest": newest})


@any_role_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to its ticket (or its event's page); opening it marks it read."""
    notification = get_notification_for_user(request.user, pk)
    notification_mark_read(notification=notification)
    if notification.ticket is not None:
        return redirect(notification.ticket)
    if notification.link.startswith("/") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts=None
    ):
        return redirect(notification.link)
    return redirect("notifications:list")


@any_role_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)
    if request.POST.get("unread"):
        notification_mark_unread(notification=notification)
    else:
        notification_mark_read(notification=notification)
    if request.htmx:  # type: ignore[attr-defined]
        notification = notification_list(request.user).get(pk=notification.pk)
        response = render(request, "notifications/list.html#row", {"n": notification})
        response["HX-Trigger"] = CHANGED_EVENT
        return response
    return _back_to_list(request)


@any_role_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return _back_to_list(request)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    return redirect(_next(request) or reverse("notifications:list"))


@any_role_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = delivery_for(request.user)
    following_form = "follow-account" in request.POST
    form = PreferenceForm(None if following_form else (request.POST or None), initial={"delivery": current})
    follow_form = FollowForm(request.POST if following_form else None, user=request.user)
    if request.method == "POST" and following_form and follow_form.is_valid():
        account = follow_form.cleaned_data["account"]
        account_watch_change(user=request.user, account=account, action="follow")
        messages.success(request, _DONE["follow"].format(account=account.name))
        return redirect("notifications:preferences")
    if request.method == "POST" and not following_form and form.is_valid():
        notification_preference_set(user=request.user, delivery=form.cleaned_data["delivery"])
        messages.success(request, "Your notification preference is saved.")
        return redirect("notifications:preferences")
    watches = list(watches_of(request.user))
    muted = [w for w in watches if w.kind == "mute"]
    muted_ids = {w.account_id for w in muted}
    csm = cast(User, request.user)  # a role is required: signed in
    csm_accounts = list(Account.objects.live().filter(csm=csm).only("pk", "name").order_by("name"))
    context = {
        "form": form,
        "follow_form": follow_form,
        "following": [w for w in watches if w.kind == "follow"],
        "muted": muted,
        "csm_accounts": [(account, account.pk in muted_ids) for account in csm_accounts],
        "is_digest": current in (Delivery.DIGEST, Delivery.DAILY),
    }
    status = 400 if form.errors or follow_form.errors else 200
    return render(request, "notifications/preferences.html", context, status=status)


@any_role_required
@require_POST
def account_watch(request: HttpRequest, account_pk: int) -> HttpResponse:
    """Follow / unfollow / mute / unmute an account (from the account page or the preferences).

    Muting asks first: without `confirm` the answer is the confirmation (in the account page's
    panel for htmx, a page of its own otherwise), whose button posts again with `confirm`.
    """
    account = get_account_for_user(request.user, account_pk)
    form = WatchForm(request.POST)
    error = ""
    if form.is_valid() and form.cleaned_data["action"] == "mute" and not form.cleaned_data["confirm"]:
        return _confirm_mute(request, account)
    if not form.is_valid():
        error = "Choose follow, unfollow, mute or unmute."
    else:
        try:
            changed = account_watch_change(
                user=request.user, account=account, action=form.cleaned_data["action"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if changed and not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _DONE[form.cleaned_data["action"]].format(account=account.name))
    if request.htmx:  # type: ignore[attr-defined]
        context = {"account": account, "panel": account_watch_summary(request.user, account), "error": error}
        return render(request, "notifications/_account_panel.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(_next(request) or reverse("accounts:detail", args=[account.pk]))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def _confirm_mute(request: HttpRequest, account: Account) -> HttpResponse:
    context = {
        "account": account,
        "panel": account_watch_summary(request.user, account),
        "confirm_mute": True,
        "next": _next(request),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "notifications/_account_panel.html", context)
    return render(request, "notifications/mute_confirm.html", context)


_DONE = {
    "follow": "You now follow {account}: its new tickets will notify you.",
    "unfollow": "You no longer follow {account}.",
    "mute": "{account} is muted: its new tickets will not notify you.",
    "unmute": "{account} is no longer muted.",
}


@require_GET
@role_required(Role.CSM, Role.ADMIN)
def finding_list_view(request: HttpRequest) -> HttpResponse:
    require_findings_access(request.user)
    filterset = FindingFilter(request.GET, finding_list(request.user), request=request)
    context = {"filter": filterset, "max_age_hours": int(max_ticket_age().total_seconds() // 3600)}
    return render_list(request, "notifications/findings.html", filterset.qs, context=context)


@require_GET
@role_required(Role.ADMIN)
def outbox_list_view(request: HttpRequest) -> HttpResponse:
    filterset = OutboxFilter(request.GET, outbox_list(), request=request)
    return render_list(request, "notifications/outbox.html", filterset.qs, context={"filter": filterset})


@require_GET
@role_required(Role.ADMIN)
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_outbox_message_for_user(request.user, pk)
    return render(request, "notifications/outbox_detail.html", {"message": message})


# An email's HTML, framed by its outbox page. Emails style with style="" (mail clients need it),
# and a srcdoc frame would inherit the portal's policy, which refuses inline styles: so the email
# is its own response with its own policy. Inline styles only; no script, no fetch, no remote
# image, no form (sandbox); framed by the portal's own pages only.
EMAIL_PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


# django-csp types its decorators for views of the request alone, hence the ignores.
@require_GET
@role_required(Role.ADMIN)  # type: ignore[arg-type]
@xframe_options_sameorigin
@csp(EMAIL_PREVIEW_POLICY)  # type: ignore[arg-type]
def outbox_html(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_outbox_message_for_user(request.user, pk)
    if not message.html:
        raise Http404("This email has no HTML part.")
    return HttpResponse(message.html, content_type="text/html; charset=utf-8")
