"""The weekly review rotation: who is on duty, who may set it, and what setting it does."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feedback.models import EventKind, RotationWeek
from feedback.rotation import current_week_start, manager_on_duty, rotation_weeks, week_start_of
from feedback.services import feedback_forward, rotation_week_set
from tests.factories import UserFactory
from tests.factories.feedback import FeedbackFactory, RotationWeekFactory
from tests.feedback.conftest import forward_kwargs

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_it_starts_weeks_on_monday():
    assert week_start_of(dt.date(2026, 3, 8)) == dt.date(2026, 3, 2)  # Sunday -> its Monday
    assert week_start_of(dt.date(2026, 3, 9)) == dt.date(2026, 3, 9)


def test_it_switches_the_manager_on_duty_at_monday_midnight_utc(manager):
    second = UserFactory(roles=["Support manager"])
    RotationWeek.objects.create(week_start=dt.date(2026, 3, 2), manager=manager)
    RotationWeek.objects.create(week_start=dt.date(2026, 3, 9), manager=second)
    assert manager_on_duty(dt.datetime(2026, 3, 8, 23, 59, tzinfo=UTC)) == manager
    assert manager_on_duty(dt.datetime(2026, 3, 9, 0, 0, tzinfo=UTC)) == second
    assert manager_on_duty(dt.datetime(2026, 3, 16, 0, 0, tzinfo=UTC)) is None


def test_it_ignores_an_inactive_manager_on_duty(manager):
    RotationWeekFactory(manager=manager)
    manager.is_active = False
    manager.save()
    assert manager_on_duty() is None


def test_it_lists_weeks_with_their_rows(manager):
    RotationWeek.objects.create(week_start=dt.date(2026, 3, 9), manager=manager)
    weeks = rotation_weeks(first=dt.date(2026, 3, 4), count=3)
    assert [w for w, _ in weeks] == [dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)]
    assert [row.manager if row else None for _, row in weeks] == [None, manager, None]


def test_it_lets_only_admins_set_the_rotation(manager, csm, admin_user):
    monday = current_week_start() + dt.timedelta(weeks=1)
    for user in (manager, csm):
        with pytest.raises(PermissionDenied):
            rotation_week_set(week_start=monday, manager=manager, set_by=user)
    week = rotation_week_set(week_start=monday, manager=manager, set_by=admin_user)
    assert week.manager == manager and week.set_by == admin_user
    rotation_week_set(week_start=monday, manager=None, set_by=admin_user)
    assert RotationWeek.objects.get(week_start=monday).manager is None


def test_it_refuses_a_week_not_starting_on_monday_or_a_non_manager(admin_user, csm, manager):
    with pytest.raises(ValidationError):
        rotation_week_set(
            week_start=current_week_start() + dt.timedelta(days=1), manager=manager, set_by=admin_user
        )
    with pytest.raises(ValidationError):
        rotation_week_set(week_start=current_week_start(), manager=csm, set_by=admin_user)
    assert not RotationWeek.objects.exists()


def test_it_assigns_waiting_items_when_this_weeks_manager_is_set(admin_user, manager, csm, account):
    waiting = feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    triaged = FeedbackFactory(status="triaged", reviewing_manager=None)
    assert waiting.reviewing_manager is None
    rotation_week_set(week_start=current_week_start(), manager=manager, set_by=admin_user)
    waiting.refresh_from_db()
    triaged.refresh_from_db()
    assert waiting.reviewing_manager == manager
    assert waiting.events.filter(kind=EventKind.ASSIGNED).count() == 1
    assert triaged.reviewing_manager is None  # only new items waiting for a first look


def test_it_does_not_assign_waiting_items_for_a_future_week(admin_user, manager, csm, account):
    waiting = feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    rotation_week_set(
        week_start=current_week_start() + dt.timedelta(weeks=1), manager=manager, set_by=admin_user
    )
    waiting.refresh_from_db()
    assert waiting.reviewing_manager is None


def test_the_compiled_weeks_are_the_orms_with_their_manager_and_who_set_them(manager, admin_user):
    """`rotation_weeks` and `next_empty_week` run SQL compiled once per process with each call's
    weeks: other weeks give their own rows."""
    from feedback.rotation import next_empty_week

    monday = current_week_start()
    RotationWeek.objects.create(week_start=monday, manager=manager, set_by=admin_user)
    RotationWeek.objects.create(week_start=monday + dt.timedelta(weeks=2), manager=None, set_by=admin_user)
    RotationWeek.objects.create(week_start=monday + dt.timedelta(weeks=9), manager=manager)

    def shown(weeks):
        return [
            (start, row and (row.pk, row.manager_id, str(row.manager), str(row.set_by), row.updated_at))
            for start, row in weeks
        ]

    for first in (monday, monday + dt.timedelta(weeks=8)):
        starts = [first + dt.timedelta(weeks=i) for i in range(3)]
        rows = {w.week_start: w for w in RotationWeek.objects.select_related("manager", "set_by")}
        assert shown(rotation_weeks(first=first, count=3)) == shown([(s, rows.get(s)) for s in starts])
    assert next_empty_week() == monday + dt.timedelta(weeks=1)
    later = dt.datetime.combine(monday + dt.timedelta(weeks=9), dt.time(12), tzinfo=UTC)
    assert next_empty_week(later, weeks=1) is None  # the week of `later` is covered
    assert next_empty_week(later, weeks=2) == monday + dt.timedelta(weeks=10)
