"""The weekly review rotation: managers see it, admins set it."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from csmportal.dates import day
from users.roles import Role, is_admin, require_role, role_required

from ..forms import RotationForm
from ..rotation import (
    FIRST_DAY,
    LAST_DAY,
    current_week_start,
    in_rotation_range,
    manager_on_duty,
    rotation_weeks,
    support_managers,
)
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
            messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(f"{reverse('feedback:rotation')}?{urlencode({'from': first.isoformat()})}")
    weeks = rotation_weeks(first=first, count=WEEKS_SHOWN)
    editable = is_admin(request.user)
    managers = list(support_managers()) if editable else []
    rows = [
        {
            "start": start,
            "end": start + dt.timedelta(days=6),
            "row": row,
            "current": start == this_week,
            "past": start < this_week,
        }
        for start, row in weeks
    ]
    return render(
        request,
        "feedback/rotation.html",
        {
            "rows": rows,
            "editable": editable,
            "managers": managers,
            "on_duty": manager_on_duty(),
            "first": weeks[0][0],
            "earlier": (weeks[0][0] - dt.timedelta(weeks=WEEKS_SHOWN)).isoformat(),
            "later": (weeks[0][0] + dt.timedelta(weeks=WEEKS_SHOWN)).isoformat(),
            "this_week": this_week,
        },
    )
