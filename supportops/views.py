"""Pages of support-ops requests: the queue, one request, and the two request forms."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Account
from csmportal.instances import label, labels
from csmportal.lists import csv_response, render_list
from integrations.gitlab import configured as gitlab_configured
from users.roles import Role, any_role_required, has_role, role_required

from . import services, tracker
from .filters import OpsRequestFilter
from .forms import CommentForm, CorrectionForm, NotesForm, ReasonForm
from .models import OpsRequest, RequestStatus
from .rows import REQUEST_ROW_VALUES, queue_rows
from .selectors import (
    actions_for,
    active_correction_for,
    get_organization_for_filing,
    get_request_for_user,
    is_ops,
    may_ever,
    organizations_for_filing,
    queue_counts,
    request_history,
    requests_for_user,
)
from .text import collaboration_project_url, correction_text, org_agent_url


@any_role_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    scope = requests_for_user(request.user)
    filterset = OpsRequestFilter(request.GET, scope, request=request)
    items = filterset.qs.values(*REQUEST_ROW_VALUES)  # what a row shows (supportops.rows)
    account_name = None
    if filterset.form.is_valid() and filterset.form.cleaned_data.get("account"):
        account_id = filterset.form.cleaned_data["account"]
        account_name = Account.objects.filter(pk=account_id).values_list("name", flat=True).first()
    context = {
        "filter": filterset,
        "is_ops": is_ops(request.user),
        "may_file": has_role(request.user, Role.CSM),
        "counts": queue_counts(scope),
        "account_name": account_name,
        "statuses": RequestStatus,
    }
    return render_list(request, "supportops/list.html", items, context=context, rows=queue_rows)


@any_role_required
@require_GET
def request_export(request: HttpRequest) -> HttpResponse:
    filterset = OpsRequestFilter(request.GET, requests_for_user(request.user), request=request)
    header = [
        "Request",
        "Kind",
        "Status",
        "Account",
        "Zendesk org ID",
        "Collaboration project ID when requested",
        "Requested collaboration project ID",
        "Project URL",
        "Requested by",
        "Claimed by",
        "Opened",
        "Done",
        "Closed",
    ]
    names = labels()  # {} with one instance: no "Instance" column
    if names:
        header.insert(header.index("Zendesk org ID"), "Instance")
    rows = (
        [
            item.pk,
            item.get_kind_display(),
            item.get_status_display(),
            item.account.name,
            *([label(names, item.zd_instance)] if names else []),
            item.zd_organization_id,
            item.current_am_project_id,
            item.requested_am_project_id,
            item.project_url,
            str(item.requested_by),
            str(item.claimed_by or ""),
            item.created_at.isoformat(),
            item.done_at.isoformat() if item.done_at else "",
            item.closed_at.isoformat() if item.closed_at else "",
        ]
        for item in filterset.qs.iterator(chunk_size=500)
    )
    # A streaming response (users.roles types views as returning HttpResponse).
    return csv_response("support-ops-requests.csv", header, rows)  # type: ignore[return-value]


@any_role_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_request_for_user(request.user, pk)
    return _render_detail(request, item)


def _render_detail(
    request: HttpRequest,
    item: OpsRequest,
    *,
    comment_form: CommentForm | None = None,
    reason_form: ReasonForm | None = None,
    reason_for: str = "",
) -> HttpResponse:
    org = item.organization
    context = {
        "item": item,
        "actions": actions_for(request.user, item),
        "events": request_history(item),
        "comment_form": comment_form or CommentForm(),
        "reason_form": reason_form,
        "reason_for": reason_for,
        "agent_url": org_agent_url(item.zd_organization_id, item.zd_instance),
        "current_project_link": collaboration_project_url(org.am_project_id) if org else "",
        "requested_project_link": collaboration_project_url(item.requested_am_project_id),
        "is_ops": is_ops(request.user),
        "new_issue_url": tracker.new_issue_link(item),
        "gitlab_issue_url": tracker.issue_link(item),
        "gitlab_pending": gitlab_configured() and not item.gitlab_iid,
    }
    return render(request, "supportops/detail.html", context)


# -- filing ----------------------------------------------------------------------------------------


@require_GET
@role_required(Role.CSM)
def request_new(request: HttpRequest) -> HttpResponse:
    """New request: find the organization (by account or organization, an htmx search while
    typing; a plain GET without JavaScript), then choose what support ops should change."""
    q = request.GET.get("q", "")[:100].replace("\x00", "")  # PostgreSQL refuses NUL in text
    raw_account = request.GET.get("account", "")
    account = None
    if raw_account.isascii() and raw_account.isdecimal() and len(raw_account) <= 18:
        account = Account.objects.live().filter(pk=int(raw_account)).first()
    choices, more = organizations_for_filing(request.user, q=q, account_id=account.pk if account else None)
    context = {"q": q, "account": account, "choices": choices, "more": more}
    if getattr(request, "htmx", False):
        return render(request, "supportops/new.html#results", context)
    return render(request, "supportops/new.html", context)


@any_role_required
@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_organization_for_filing(request.user, org_pk)
    existing = active_correction_for(org)
    form = CorrectionForm(request.POST or None, organization=org)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            item = services.ops_request_open_correction(
                user=request.user,
                organization=org,
                am_project_id=form.cleaned_data["am_project_id"],
                project_url=form.cleaned_data["project_url"],
            )
        except services.DuplicateRequest as exc:
            existing = exc.existing
        else:
            messages.success(
                request,
                f"Request {item.reference} is in the support-ops queue and they have been emailed. "
                "The portal closes it once Zendesk shows the new collaboration project ID.",
            )
            return redirect("supportops:detail", item.pk)
    return render(
        request, "supportops/correction_form.html", {**_form_context(org, form), "existing": existing}
    )


@any_role_required
@require_POST
def correction_preview(request: HttpRequest, org_pk: int) -> HttpResponse:
    """htmx: the request text as it will be filed, while the CSM types."""
    org = get_organization_for_filing(request.user, org_pk)
    form = CorrectionForm(request.POST, organization=org)
    return render(request, "supportops/correction_form.html#preview_update", _form_context(org, form))


def _form_context(org, form: CorrectionForm) -> dict:
    valid = form.is_valid()
    return {
        "org": org,
        "account": org.account,
        "form": form,
        "agent_url": org_agent_url(org.zd_id, org.zd_instance),
        "current_project_link": collaboration_project_url(org.am_project_id),
        "preview": correction_text(
            zd_organization_id=org.zd_id,
            zd_instance=org.zd_instance,
            am_project_id=form.cleaned_data["am_project_id"] if valid else "<collaboration project ID>",
            project_url=form.cleaned_data["project_url"] if valid else "<project URL>",
        ),
        "preview_ready": valid,
        "support_ops_email": settings.SUPPORT_OPS_EMAIL,
    }


@any_role_required
@require_http_methods(["GET", "POST"])
def notes_new(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_organization_for_filing(request.user, org_pk)
    form = NotesForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        item = services.ops_request_open_notes(
            user=request.user, organization=org, notes=form.cleaned_data["notes"]
        )
        messages.success(
            request, f"Request {item.reference} is in the support-ops queue and they have been emailed."
        )
        return redirect("supportops:detail", item.pk)
    context = {
        "org": org,
        "account": org.account,
        "form": form,
        "agent_url": org_agent_url(org.zd_id, org.zd_instance),
    }
    return render(request, "supportops/notes_form.html", context)


@any_role_required
@require_POST
def link_fix_new(request: HttpRequest, org_pk: int) -> HttpResponse:
    """One click on the account page: ask support ops to correct the salesforce_id of an org
    that claims the account (the request text is all prefilled). Back to the account page."""
    org = get_organization_for_filing(request.user, org_pk)
    try:
        item = services.ops_request_open_link_fix(user=request.user, organization=org)
    except services.DuplicateRequest as exc:
        ref = exc.existing.reference if exc.existing else ""
        messages.info(request, f"Support ops already have a request {ref} to correct “{org.name}”.")
    else:
        messages.success(
            request,
            f"Request {item.reference} is in the support-ops queue and they have been emailed: they "
            f"will correct the salesforce_id of “{org.name}”. The portal closes it once Zendesk shows it.",
        )
    return redirect(reverse("accounts:detail", args=[org.account_id]) + "#claims")


# -- working a request -----------------------------------------------------------------------------

# action -> (service, success message, reason form: (required, label) or None)
ACTIONS: dict[str, tuple[Callable[..., Any], str, tuple[bool, str] | None]] = {
    "claim": (services.ops_request_claim, "You claimed request {ref}.", None),
    "release": (services.ops_request_release, "Request {ref} is back in the queue.", None),
    "done": (
        services.ops_request_mark_done,
        "Request {ref} is marked done. The portal verifies it after the next organization sync.",
        (False, "Note for the CSM (optional)"),
    ),
    "decline": (services.ops_request_decline, "Request {ref} is declined.", (True, "Why is it declined?")),
    "cancel": (services.ops_request_cancel, "Request {ref} is cancelled.", (False, "Reason (optional)")),
    "confirm": (services.ops_request_confirm, "Request {ref} is closed as verified.", None),
}


@any_role_required
@require_POST
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = get_request_for_user(request.user, pk)
    if not may_ever(request.user, item, action):  # who you are first, then what you typed
        raise PermissionDenied("Your role does not let you do that with this request.")
    service, message, reason = ACTIONS[action]
    kwargs: dict[str, str] = {}
    if reason is not None:
        required, label = reason
        form = ReasonForm(request.POST, required=required, label=label)
        if not form.is_valid():
            return _render_detail(request, item, reason_form=form, reason_for=action)
        text = form.cleaned_data["text"]
        if text or required:
            kwargs["reason" if action in ("decline", "cancel") else "text"] = text
    try:
        service(user=request.user, ops_request=item, **kwargs)
    except services.RequestConflict as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, message.format(ref=item.reference))
    return redirect(_next_url(request, item))


@any_role_required
@require_POST
def request_comment(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_request_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, item, comment_form=form)
    services.ops_request_comment(user=request.user, ops_request=item, text=form.cleaned_data["text"])
    messages.success(request, "Comment added.")
    return redirect(reverse("supportops:detail", args=[item.pk]) + "#history")


def _next_url(request: HttpRequest, item: OpsRequest) -> str:
    """Back to the queue when the action was taken from it, else to the request."""
    if request.POST.get("from") == "list":
        query = QueryDict(request.POST.get("query", "")).urlencode()
        return reverse("supportops:list") + (f"?{query}" if query else "")
    return reverse("supportops:detail", args=[item.pk])
