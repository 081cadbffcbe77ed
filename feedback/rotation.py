"""The weekly review rotation: which support manager reviews new feedback this week.

Weeks run Monday 00:00 to Sunday 24:00 UTC (one rule for managers in every time zone). An
admin sets the rotation (on /feedback/rotation/ or in the admin); managers take an empty week
or swap weeks with each other themselves (rotation_services.py). New items are assigned to the
manager on duty when they are forwarded. An empty week among the coming ones is warned about
on the queue (and the home pages read `next_empty_week()`).
"""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from csmportal.compiled import DATE_MARKS, instance_of, values_rows
from users.roles import Role

from .models import RotationWeek

# The weeks the rotation can be shown or set for: far enough from the calendar's ends that a
# page of weeks around any of them (and its "earlier"/"later" links) stays a valid date.
FIRST_DAY = dt.date(2000, 1, 1)
# "Coming" weeks: this week and the next three. An empty one among them is warned about.
COMING_WEEKS = 4
LAST_DAY = dt.date(2999, 12, 31)


def in_rotation_range(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def current_week_start(now: dt.datetime | None = None) -> dt.date:
    moment = now or timezone.now()
    return week_start_of(moment.astimezone(dt.UTC).date())


def support_managers() -> QuerySet[Any]:
    """Active people in the support manager role: who can be on duty or be assigned an item."""
    return (
        get_user_model()
        .objects.filter(groups__name=Role.SUPPORT_MANAGER, is_active=True)
        .order_by("name", "email")
    )


def is_assignable(user: Any) -> bool:
    return user is not None and support_managers().filter(pk=user.pk).exists()


def manager_on_duty(now: dt.datetime | None = None) -> Any | None:
    """The manager on this week's rotation, or None (nobody set, or no longer a manager)."""
    week = RotationWeek.objects.filter(week_start=current_week_start(now)).select_related("manager").first()
    if week is None or week.manager is None:
        return None
    return week.manager if is_assignable(week.manager) else None


# What the rotation's pages write of a week's manager and of who set it.
PERSON_FIELDS = ("id", "name", "email")


def _days(**marks: Any) -> list[dt.date]:
    """The days named `d0`, `d1`, ... among `marks`, in order."""
    return [marks[f"d{i}"] for i in range(len(marks))]


def _day_marks(days: list[dt.date]) -> tuple[dict[str, dt.date], dict[str, dt.date]]:
    """The marks of `days` (a year's weeks at most) and their values, for csmportal.compiled."""
    return {f"d{i}": DATE_MARKS[i] for i in range(len(days))}, {f"d{i}": d for i, d in enumerate(days)}


def _weeks_query(**marks: Any) -> QuerySet[Any]:
    people = [f"{who}__{name}" for who in ("manager", "set_by") for name in PERSON_FIELDS]
    fields = [f.attname for f in RotationWeek._meta.concrete_fields]
    return RotationWeek.objects.filter(week_start__in=_days(**marks)).values(*fields, *people)


def rotation_weeks(*, first: dt.date, count: int) -> list[tuple[dt.date, RotationWeek | None]]:
    """`count` weeks from the week of `first`, each with its rotation row (or None), its
    manager and who set it (their name and address; one query, compiled once per process and
    count: csmportal.compiled)."""
    from users.models import User

    start = week_start_of(first)
    starts = [start + dt.timedelta(weeks=i) for i in range(count)]
    rows: dict[dt.date, RotationWeek] = {}
    marks, values = _day_marks(starts)
    for row in values_rows(f"feedback.rotation_weeks.{count}", None, _weeks_query, marks, values):
        week = instance_of(RotationWeek, row)
        for who in ("manager", "set_by"):
            person = instance_of(User, row, prefix=f"{who}__") if row[f"{who}_id"] is not None else None
            setattr(week, who, person)
        rows[week.week_start] = week
    return [(s, rows.get(s)) for s in starts]


def _covered_query(**marks: Any) -> QuerySet[Any]:
    return RotationWeek.objects.filter(
        week_start__in=_days(**marks), manager__in=support_managers().values("pk")
    ).values("week_start")


def next_empty_week(now: dt.datetime | None = None, *, weeks: int = COMING_WEEKS) -> dt.date | None:
    """The Monday of the first of the coming `weeks` weeks (this week first) that has nobody on
    duty (no row, nobody set, or someone no longer an active support manager), else None.
    One query (compiled once per process and number of weeks: csmportal.compiled)."""
    first = current_week_start(now)
    starts = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    marks, values = _day_marks(starts)
    rows = values_rows(f"feedback.next_empty_week.{weeks}", None, _covered_query, marks, values)
    covered = {row["week_start"] for row in rows}
    return next((start for start in starts if start not in covered), None)


def manager_rows() -> list[dict[str, Any]]:
    """The support managers' pk, name and email, in `support_managers()`'s order: one query
    compiled once per process (the queue's manager select reads it on every request)."""
    return values_rows(
        "support-managers", None, lambda: support_managers().values("pk", "name", "email"), {}, {}
    )
