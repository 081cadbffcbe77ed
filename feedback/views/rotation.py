"""The weekly review rotation: admins set any week; managers take an empty week or swap
weeks with another manager."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from csmportal.dates import day
from users.roles import Role, is_admin, require_role, role_required, user_roles

from ..forms import RotationForm, SwapWeeksForm, TakeWeekForm
from ..models import RotationWeek
from ..rotation import (
    FIRST_DAY,
    LAST_DAY,
    current_week_start,
    in_rotation_range,
    manager_on_duty,
    rotation_weeks,
    support_managers,
)
from ..rotation_services import rotation_week_take, rotation_weeks_swap
from ..services import rotation_week_set

WEEKS_SHOWN = 14
WEEKS_BEFORE = 2


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPPORT_MANAGER)
def rotation_page(request: HttpRequest) -> HttpResponse:
    this_week = current_week_start()
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = this_week - dt.timedelta(weeks=WEEKS_BEFORE)
    if not in_rotation_range(first):
        message = f"The rotation is shown for weeks from {FIRST_DAY:%Y} to {LAST_DAY:%Y}."
        return HttpResponseBadRequest(message, content_type="text/plain")
    if request.method == "POST":
        require_role(request.user, Role.ADMIN)
        form = RotationForm(request.POST)
        if form.is_valid():
            week, manager = form.cleaned_data["week_start"], form.cleaned_data["manager"]
            try:
                rotation_week_set(week_start=week, manager=manager, set_by=request.user)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                who = manager or "nobody"
                messages.success(request, f"Week of {day(week)}: {who}.")
        else:
            messages.error(request, _errors(form))
        return redirect(f"{reverse('feedback:rotation')}?{urlencode({'from': first.isoformat()})}")
    weeks = rotation_weeks(first=first, count=WEEKS_SHOWN)
    editable = is_admin(request.user)
    managers = list(support_managers())
    active = {m.pk for m in managers}
    # A manager takes or swaps weeks themselves (an admin who is also a manager may too).
    is_manager = Role.SUPPORT_MANAGER in user_roles(request.user) and request.user.pk in active
    my_weeks = (
        list(
            RotationWeek.objects.filter(manager=request.user.pk, week_start__gte=this_week)
            .order_by("week_start")
            .values_list("week_start", flat=True)[:26]
        )
        if is_manager
        else []
    )
    rows = [
        {
            "start": start,
            "end": start + dt.timedelta(days=6),
            "row": row,
            "current": start == this_week,
            "past": start < this_week,
            "empty": row is None or row.manager_id not in active,
            "mine": row is not None and row.manager_id == request.user.pk,
        }
        for start, row in weeks
    ]
    return render(
        request,
        "feedback/rotation.html",
        {
            "rows": rows,
            "editable": editable,
            "managers": managers if editable else [],
            "is_manager": is_manager,
            "my_weeks": my_weeks,
            "on_duty": manager_on_duty(),
            "first": weeks[0][0],
            "earlier": (weeks[0][0] - dt.timedelta(weeks=WEEKS_SHOWN)).isoformat(),
            "later": (weeks[0][0] + dt.timedelta(weeks=WEEKS_SHOWN)).isoformat(),
            "this_week": this_week,
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    """To the page the form was on (the queue's warning, or the rotation page)."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("feedback:rotation")
    return redirect(back)


@require_POST
@role_required(Role.SUPPORT_MANAGER)
def rotation_take(request: HttpRequest) -> HttpResponse:
    form = TakeWeekForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return _back(request)
    week = form.cleaned_data["week_start"]
    try:
        rotation_week_take(week_start=week, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, f"You are on duty in the week of {week:%a %d %b %Y}.")
    return _back(request)


@require_POST
@role_required(Role.SUPPORT_MANAGER)
def rotation_swap(request: HttpRequest) -> HttpResponse:
    form = SwapWeeksForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return _back(request)
    data = form.cleaned_data
    try:
        rotation_weeks_swap(
            mine=data["mine"], theirs=data["theirs"], with_manager=data["with_manager"], by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            f"Swapped: you have the week of {data['theirs']:%a %d %b %Y}, {data['with_manager']} the week "
            f"of {data['mine']:%a %d %b %Y} (they are emailed).",
        )
    return _back(request)


def _errors(form: Any) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


def _message(error: Exception) -> str:
    return error.messages[0] if isinstance(error, ValidationError) else str(error)
