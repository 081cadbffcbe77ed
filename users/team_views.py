"""The admins' Team page (/team/): invite people, grant and revoke roles, the review rotation and
the Salesforce CSMs without a login. The Django admin stays for data fixes."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import people_to_invite_count
from feedback.models import RotationWeek
from feedback.rotation import current_week_start, next_empty_week, rotation_weeks

from .audit import audit_lines
from .forms import ClearanceChangeForm, InviteForm, RoleChangeForm
from .models import User
from .roles import Role, role_required
from .team import (
    clearance_grant,
    clearance_revoke,
    needs_two_factor_setup,
    restricted_instances,
    role_grant,
    role_revoke,
    team_invite,
    team_members,
)
from .team_html import people_rows

ROTATION_WEEKS_SHOWN = 6


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def team_page(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = team_invite(email=data["email"], name=data["name"], roles=data["roles"], by=request.user)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, f"Invitation emailed to {user.email}: they choose their password from it."
            )
            return redirect("team:page")
    this_week = current_week_start()
    weeks = rotation_weeks(first=this_week, count=ROTATION_WEEKS_SHOWN)
    members, roles, restricted = team_members(), list(Role), restricted_instances()
    context = {
        "form": form,
        "members": members,
        "people_rows": people_rows(
            members, roles=roles, instances=restricted, viewer=request.user, csrf_token=get_token(request)
        ),
        "roles": roles,
        "restricted_instances": restricted,
        "weeks": [{"start": s, "end": s + dt.timedelta(days=6), "row": r} for s, r in weeks],
        "empty_week": next_empty_week(),
        "to_invite": people_to_invite_count(),
        "role_changes": audit_lines(User, limit=8),
        "rotation_changes": audit_lines(RotationWeek, limit=8),
        "this_week": this_week,
    }
    return render(request, "users/team.html", context)


@require_POST
@role_required(Role.ADMIN)
def team_role_change(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk, is_active=True)
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role to grant or revoke.")
        return redirect("team:page")
    role, change = form.cleaned_data["role"], form.cleaned_data["change"]
    try:
        if change == "grant":
            changed = role_grant(user=member, role=role, by=request.user)
        else:
            changed = role_revoke(user=member, role=role, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("team:page")
    if not changed:
        messages.info(
            request, f"{member} {'has' if change == 'grant' else 'does not have'} the {role} role already."
        )
    elif change == "grant":
        note = ""
        if role == Role.ADMIN and needs_two_factor_setup(member):
            note = " They must set up two-factor authentication before they can open anything else."
        messages.success(request, f"{member} has the {role} role now.{note}")
    else:
        note = (
            " They are still an admin as a superuser (the Django admin changes that)."
            if (role == Role.ADMIN and member.is_superuser)
            else ""
        )
        messages.success(request, f"{member} no longer has the {role} role.{note}")
    return redirect("team:page")


@require_POST
@role_required(Role.ADMIN)
def team_clearance_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Clear someone for a restricted Zendesk instance's data, or take the clearance away."""
    member = get_object_or_404(User, pk=pk, is_active=True)
    form = ClearanceChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a Zendesk instance to grant or revoke.")
        return redirect("team:page")
    key, change = form.cleaned_data["instance"], form.cleaned_data["change"]
    try:
        if change == "grant":
            changed = clearance_grant(user=member, instance=key, by=request.user)
        else:
            changed = clearance_revoke(user=member, instance=key, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("team:page")
    name = next(i.name for i in restricted_instances() if i.key == key)
    if not changed:
        messages.info(
            request, f"{member} {'is' if change == 'grant' else 'is not'} cleared for {name} already."
        )
    elif change == "grant":
        messages.success(
            request, f"{member} is cleared for {name} now: they see its tickets, people and organizations."
        )
    else:
        messages.success(request, f"{member} is no longer cleared for {name}: its data is hidden from them.")
    return redirect("team:page")
