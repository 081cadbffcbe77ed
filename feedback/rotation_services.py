"""Managers' own changes to the review rotation: take an empty week, swap weeks with another
manager. Admins set any week (services.rotation_week_set). Each change is audited (the
RotationWeek's history in the admin, and the Team page) and the manager whose week moved is
emailed.

Only this week and later weeks change: the past is the record of who was on duty.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction

from users.audit import audit_record
from users.roles import Role, user_roles

from .models import RotationWeek
from .rotation import current_week_start, is_assignable
from .services import assign_waiting_items


def _require_manager(user: Any) -> None:
    # Only people in the manager role hold weeks (an admin alone cannot be on duty).
    if Role.SUPPORT_MANAGER not in user_roles(user) or not is_assignable(user):
        raise PermissionDenied("Only support managers take or swap rotation weeks.")


def _check_week(week_start: dt.date) -> None:
    if week_start.weekday() != 0:
        raise ValidationError("A rotation week starts on a Monday.")
    if week_start < current_week_start():
        raise ValidationError("That week is over; the rotation keeps who was on duty.")


def _locked(week_start: dt.date) -> RotationWeek:
    week, _ = RotationWeek.objects.get_or_create(week_start=week_start)
    return RotationWeek.objects.select_for_update(of=("self",)).select_related("manager").get(pk=week.pk)


def rotation_week_take(*, week_start: dt.date, by: Any) -> RotationWeek:
    """A manager takes a week nobody is on duty for (no one set, or someone who is no longer an
    active support manager)."""
    _require_manager(by)
    _check_week(week_start)
    with transaction.atomic():
        week = _locked(week_start)
        if week.manager is not None and is_assignable(week.manager):
            if week.manager.pk == by.pk:
                return week
            raise ValidationError(f"{week.manager} is already on duty that week: swap with them instead.")
        week.manager, week.set_by = by, by
        week.save(update_fields=["manager", "set_by", "updated_at"])
        audit_record(actor=by, obj=week, message=f"Took the week of {week_start:%d %b %Y}.")
        if week_start == current_week_start():
            assign_waiting_items(by)
    return week


def rotation_weeks_swap(*, mine: dt.date, theirs: dt.date, with_manager: Any, by: Any) -> None:
    """A manager swaps one of their weeks with another manager's week. `with_manager` is who the
    page showed on `theirs`: if that changed meanwhile, nothing is swapped."""
    _require_manager(by)
    for week_start in (mine, theirs):
        _check_week(week_start)
    if mine == theirs:
        raise ValidationError("Choose two different weeks.")
    if with_manager is None or with_manager.pk == by.pk or not is_assignable(with_manager):
        raise ValidationError("Swap with another active support manager.")
    with transaction.atomic():
        first, second = sorted((mine, theirs))
        locked = {first: _locked(first), second: _locked(second)}  # in date order: no deadlock
        my_week, their_week = locked[mine], locked[theirs]
        if my_week.manager_id != by.pk:
            raise ValidationError(f"You are not on duty in the week of {mine:%d %b %Y}.")
        if their_week.manager_id != with_manager.pk:
            raise ValidationError(
                f"{with_manager} is no longer on duty in the week of {theirs:%d %b %Y}; nothing was swapped."
            )
        my_week.manager, my_week.set_by = with_manager, by
        their_week.manager, their_week.set_by = by, by
        my_week.save(update_fields=["manager", "set_by", "updated_at"])
        their_week.save(update_fields=["manager", "set_by", "updated_at"])
        message = f"Swapped the week of {mine:%d %b %Y} with {with_manager}'s week of {theirs:%d %b %Y}."
        audit_record(actor=by, obj=my_week, message=message)
        audit_record(actor=by, obj=their_week, message=message)
        if current_week_start() in (mine, theirs):
            assign_waiting_items(by if theirs == current_week_start() else with_manager)
        _tell_swapped(to=with_manager, by=by, now_on=mine, instead_of=theirs)


def _tell_swapped(*, to: Any, by: Any, now_on: dt.date, instead_of: dt.date) -> None:
    body = (
        f"{by} swapped review rotation weeks with you.\n\n"
        f"You are now on duty in the week of {now_on:%A %d %B %Y} (Monday to Sunday, UTC), "
        f"instead of the week of {instead_of:%A %d %B %Y}.\n"
    )
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Review rotation: you now have the week of {now_on:%d %b %Y}",
            message=body,
            from_email=None,
            recipient_list=[to.email],
        )
    )
