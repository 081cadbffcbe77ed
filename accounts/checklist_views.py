"""Onboarding checklist actions. Each is a POST that works with and without htmx:
htmx gets the onboarding section (and the audit trail, out of band) re-rendered; a plain form
post is redirected back to the account page with a message."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from users.roles import any_role_required

from .checklist_models import AccountEmail, StepKind
from .email_screen import EmailScreen, email_screen_render, next_url, screen_recipients, send_requested
from .emails import PLACEHOLDERS
from .forms import (
    AccountEmailForm,
    AddStepForm,
    AssignStepForm,
    CompleteStepForm,
    MoveStepForm,
    SkipStepForm,
    StartChecklistForm,
)
from .recipients import account_recipients
from .selectors import (
    checklist_email_draft,
    get_account_for_onboarding,
    get_checklist_for_user,
    get_step_for_user,
    startable_templates,
)
from .services.checklists import (
    StepError,
    checklist_actions_recheck,
    checklist_recheck,
    checklist_start,
    checklist_step_add,
    checklist_step_assign,
    checklist_step_complete,
    checklist_step_move,
    checklist_step_remove,
    checklist_step_reopen,
    checklist_step_skip,
)
from .services.emails import checklist_email_send
from .views import account_context, onboarding_context


def _respond(
    request: HttpRequest, account: Any, *, done: str = "", error: str = "", forms: dict | None = None
) -> HttpResponse:
    """Re-render (htmx, or a form with errors) or redirect back to the account page."""
    htmx = bool(getattr(request, "htmx", False))
    if htmx:
        context = onboarding_context(request, account, notice=done, error=error, forms=forms or {})
        return render(request, "accounts/_onboarding_response.html", context)
    if forms:
        return render(
            request, "accounts/detail.html", account_context(request, account, forms=forms, error=error)
        )
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect(reverse("accounts:detail", args=[account.pk]) + "#onboarding")


def _step_action(
    request: HttpRequest,
    pk: int,
    step_pk: int,
    form_class: type | None,
    act: Callable[..., str],
    *,
    manage: bool = False,
) -> HttpResponse:
    step = get_step_for_user(request.user, pk, step_pk, manage=manage)
    account = step.checklist.account
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _respond(request, account, forms={step.pk: form})
    try:
        done = act(step, form.cleaned_data if form is not None else {})
    except StepError as exc:
        if form is not None:
            form.add_error(None, str(exc))
            return _respond(request, account, forms={step.pk: form})
        return _respond(request, account, error=str(exc))
    return _respond(request, account, done=done)


@require_POST
@any_role_required
def checklist_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_onboarding(request.user, pk)
    form = StartChecklistForm(request.POST, templates=startable_templates(account))
    if not form.is_valid():
        return _respond(request, account, error="Choose a checklist that is not started on this account yet.")
    try:
        checklist = checklist_start(
            account=account, template=form.cleaned_data["template"], actor=request.user
        )
    except StepError as exc:
        return _respond(request, account, error=str(exc))
    return _respond(request, account, done=f"Started “{checklist.name}”.")


@require_POST
@any_role_required
def checklist_recheck_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_onboarding(request.user, pk)
    changed = checklist_recheck(account_ids=[account.pk]) + checklist_actions_recheck(
        account_ids=[account.pk]
    )
    done = f"Checked again: {changed} step(s) changed." if changed else "Checked again: nothing changed."
    return _respond(request, account, done=done)


@require_POST
@any_role_required
def step_add_view(request: HttpRequest, pk: int, checklist_pk: int) -> HttpResponse:
    checklist = get_checklist_for_user(request.user, pk, checklist_pk)
    form = AddStepForm(request.POST)
    if not form.is_valid():
        return _respond(request, checklist.account, forms={f"add-{checklist.pk}": form})
    step = checklist_step_add(
        checklist=checklist,
        actor=request.user,
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        owner=checklist.account.csm,
    )
    return _respond(request, checklist.account, done=f"Added “{step.title}”.")


@require_POST
@any_role_required
def step_complete_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    def act(step: Any, data: dict) -> str:
        step = checklist_step_complete(step=step, actor=request.user, evidence=data["evidence"])
        return f"Done: “{step.title}”."

    return _step_action(request, pk, step_pk, CompleteStepForm, act)


@require_POST
@any_role_required
def step_reopen_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    def act(step: Any, data: dict) -> str:
        step = checklist_step_reopen(step=step, actor=request.user)
        return f"Reopened “{step.title}”."

    return _step_action(request, pk, step_pk, None, act)


@require_POST
@any_role_required
def step_skip_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    def act(step: Any, data: dict) -> str:
        step = checklist_step_skip(step=step, actor=request.user, reason=data["reason"])
        return f"Skipped “{step.title}”."

    return _step_action(request, pk, step_pk, SkipStepForm, act)


@require_POST
@any_role_required
def step_assign_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    def act(step: Any, data: dict) -> str:
        step = checklist_step_assign(step=step, actor=request.user, owner=data["owner"])
        return f"“{step.title}” is now owned by {step.owner or 'nobody'}."

    return _step_action(request, pk, step_pk, AssignStepForm, act, manage=True)


@require_POST
@any_role_required
def step_move_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    def act(step: Any, data: dict) -> str:
        step = checklist_step_move(step=step, actor=request.user, direction=data["direction"])
        return f"Moved “{step.title}” to position {step.position}."

    return _step_action(request, pk, step_pk, MoveStepForm, act, manage=True)


@require_POST
@any_role_required
def step_remove_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    def act(step: Any, data: dict) -> str:
        title = step.title
        checklist_step_remove(step=step, actor=request.user)
        return f"Removed “{title}”."

    return _step_action(request, pk, step_pk, None, act, manage=True)


@any_role_required
def step_email_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    """Write (from the editable template) and send a step's email on the one email screen; it
    becomes the step's evidence."""
    step = get_step_for_user(request.user, pk, step_pk)
    if step.kind != StepKind.EMAIL:
        raise Http404("This step does not send an email.")
    account = step.checklist.account
    draft = checklist_email_draft(step, request.user)
    back = next_url(request, reverse("accounts:detail", args=[account.pk]) + "#onboarding")
    recipients = screen_recipients(request, account, lambda: account_recipients(account, request.user))
    form = AccountEmailForm(
        request.POST if request.method == "POST" else None,
        account=account,
        recipients=recipients,
        user=request.user,
        any_address_at_domains=True,
        initial={"to": draft.to_email, "subject": draft.subject, "body": draft.body, "copy_me": True},
    )
    if send_requested(request, form):
        try:
            email = checklist_email_send(
                step=step,
                actor=request.user,
                to_email=form.cleaned_data["to"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                cc_sender=form.cleaned_data["copy_me"],
            )
        except StepError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Sending “{email.subject}” to {email.to_email}; it is recorded on the step."
            )
            return redirect(back)
    notices = []
    if not draft.to_email:
        notices.append(
            (
                "bad",
                "Salesforce has no sold-to email for this account: enter the address of the person who "
                "manages the customer's support contacts.",
            )
        )
    elif not draft.contact_name:
        notices.append(
            ("info", "Note: the sold-to email is not also a contact on this account in Salesforce.")
        )
    screen = EmailScreen(
        title=step.title,
        intro="Edit the email as needed, then send it from the portal. It is recorded on the step as "
        "evidence and in the account's audit trail; replies go to you.",
        back_url=back,
        back_label=account.name,
        may_send=True,
        recipients=recipients,
        to_help=(f"Sold-to contact: {draft.contact_name}. " if draft.contact_name else "")
        + "The sold-to contact from Salesforce, or another of the account's own people: its contacts, "
        "its Zendesk users, or an address at its organizations' domains.",
        aside="accounts/_step_email_aside.html",
        hidden={"next": back},
        notices=notices,
    )
    return email_screen_render(
        request,
        account=account,
        form=form,
        screen=screen,
        step=step,
        previous=step.emails.select_related("sent_by").order_by("-created_at"),
        placeholders=PLACEHOLDERS,
    )


@require_GET
@any_role_required
def email_detail_view(request: HttpRequest, pk: int, email_pk: int) -> HttpResponse:
    """An email the portal sent for the account, exactly as sent (anyone who reads the account)."""
    from .selectors import get_account_for_user

    account = get_account_for_user(request.user, pk)
    email = get_object_or_404(
        AccountEmail.objects.select_related("sent_by", "step"), pk=email_pk, account=account
    )
    return render(request, "accounts/email_detail.html", {"account": account, "email": email})


@require_POST
@any_role_required
def organization_link_confirm_view(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    """Confirm that a Zendesk organization belongs to this account (its people may then get the
    account's emails). The account's CSM or an admin."""
    from .selectors import get_organization_for_link_confirm
    from .services.organizations import LinkError, organization_link_confirm

    org = get_organization_for_link_confirm(request.user, pk, org_pk)
    try:
        organization_link_confirm(organization=org, user=request.user)
    except LinkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Confirmed: “{org.name}” belongs to {org.account}.")
    return redirect(reverse("accounts:detail", args=[pk]))
