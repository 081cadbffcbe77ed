"""One feedback item: its page, and the managers' and CSMs' actions on it (all POST).

Each action validates its form, calls one service and redirects back to the item; a form
with errors re-renders the page with what was typed and the errors next to the fields.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from users.roles import Role, any_role_required, role_required, user_roles

from .. import tracker
from ..forms import CommentForm, OutcomeForm, ReasonForm, ReassignForm, TriageForm
from ..models import Feedback, FeedbackStatus
from ..selectors import (
    RECENT_RATING_DAYS,
    actions_for,
    feedback_timeline,
    get_feedback_for_user,
    is_manager,
    item_requester,
    recent_ratings,
)
from ..services import FeedbackError, feedback_comment, feedback_reassign
from ..workflow import (
    feedback_close,
    feedback_mark_actioned,
    feedback_reopen,
    feedback_triage,
    feedback_triage_edit,
)


def _forms(item: Feedback, bound: dict[str, forms.Form] | None = None) -> dict[str, forms.Form]:
    forms_ = {
        "triage_form": TriageForm.for_item(item),
        "action_form": OutcomeForm(prefix="action"),
        "close_form": OutcomeForm(prefix="close", required=not item.outcome),
        "reopen_form": ReasonForm(prefix="reopen"),
        "reassign_form": ReassignForm(prefix="reassign"),
        "comment_form": CommentForm(prefix="comment"),
    }
    forms_.update(bound or {})
    return forms_


def _render(request: HttpRequest, item: Feedback, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    ticket_ratings, account_ratings = recent_ratings(item, user=request.user)
    context = {
        "item": item,
        "requester": item_requester(item),
        "actions": actions_for(request.user, item),
        "is_manager": is_manager(request.user),
        # Only people in the manager role can hold an item (an admin alone cannot take one).
        "can_take": Role.SUPPORT_MANAGER in user_roles(request.user),
        "timeline": list(feedback_timeline(item)),
        "ticket_ratings": ticket_ratings,
        "account_ratings": account_ratings,
        "recent_days": RECENT_RATING_DAYS,
        "today": timezone.localdate(),
        "steps": [(s.value, s.label) for s in FeedbackStatus],
        "gitlab_issue_url": tracker.issue_link(item),
        **_forms(item, bound),
    }
    return render(request, "feedback/detail.html", context)


@require_GET
@any_role_required
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, get_feedback_for_user(request.user, pk))


def _act(
    request: HttpRequest,
    pk: int,
    *,
    form_name: str,
    form: forms.Form,
    run: Callable[[Feedback, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    item = get_feedback_for_user(request.user, pk)
    if not form.is_valid():
        return _render(request, item, {form_name: form})
    try:
        run(item, form.cleaned_data)
    except (FeedbackError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("feedback:detail", pk)


@require_POST
@role_required(Role.SUPPORT_MANAGER)
def feedback_triage_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_feedback_for_user(request.user, pk)
    service = feedback_triage if item.status == FeedbackStatus.NEW else feedback_triage_edit
    return _act(
        request,
        pk,
        form_name="triage_form",
        form=TriageForm(request.POST, prefix="triage"),
        run=lambda it, d: service(feedback=it, by=request.user, **d),
        done="Triaged." if item.status == FeedbackStatus.NEW else "Triage updated.",
    )


@require_POST
@role_required(Role.SUPPORT_MANAGER)
def feedback_action_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_name="action_form",
        form=OutcomeForm(request.POST, prefix="action"),
        run=lambda it, d: feedback_mark_actioned(feedback=it, by=request.user, outcome=d["outcome"]),
        done="Marked actioned; the CSM is told the outcome.",
    )


@require_POST
@role_required(Role.SUPPORT_MANAGER)
def feedback_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_feedback_for_user(request.user, pk)
    return _act(
        request,
        pk,
        form_name="close_form",
        form=OutcomeForm(request.POST, prefix="close", required=not item.outcome),
        run=lambda it, d: feedback_close(feedback=it, by=request.user, outcome=d["outcome"]),
        done="Closed.",
    )


@require_POST
@role_required(Role.SUPPORT_MANAGER)
def feedback_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_name="reopen_form",
        form=ReasonForm(request.POST, prefix="reopen"),
        run=lambda it, d: feedback_reopen(feedback=it, by=request.user, reason=d["reason"]),
        done="Reopened: it is triaged again.",
    )


@require_POST
@role_required(Role.SUPPORT_MANAGER)
def feedback_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    data = request.POST.copy()
    if data.get("take"):
        data["reassign-manager"] = str(request.user.pk)
    return _act(
        request,
        pk,
        form_name="reassign_form",
        form=ReassignForm(data, prefix="reassign"),
        run=lambda it, d: feedback_reassign(
            feedback=it, manager=d["manager"], by=request.user, note=d["note"]
        ),
        done="Reassigned.",
    )


@require_POST
@any_role_required
def feedback_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_name="comment_form",
        form=CommentForm(request.POST, prefix="comment"),
        run=lambda it, d: feedback_comment(feedback=it, by=request.user, body=d["body"]),
        done="Comment added.",
    )
