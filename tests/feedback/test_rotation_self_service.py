"""Managers take an empty rotation week or swap weeks with another manager themselves; the
coming weeks' first empty one is what the queue (and the home pages) warn about."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from csmportal.dates import day
from feedback.models import RotationWeek
from feedback.rotation import current_week_start, next_empty_week
from feedback.rotation_services import rotation_week_take, rotation_weeks_swap
from feedback.services import feedback_forward
from tests.factories import UserFactory
from tests.factories.feedback import RotationWeekFactory
from tests.feedback.conftest import forward_kwargs

pytestmark = pytest.mark.django_db


def week(n: int) -> dt.date:
    return current_week_start() + dt.timedelta(weeks=n)


@pytest.fixture
def colleague(db):
    return UserFactory(roles=["Support manager"], name="Second Manager")


def test_it_finds_the_first_empty_coming_week(manager):
    for n in (0, 1, 3):
        RotationWeekFactory(week_start=week(n), manager=manager)
    assert next_empty_week() == week(2)
    RotationWeekFactory(week_start=week(2), manager=manager)
    assert next_empty_week() is None  # the four coming weeks are covered
    manager.is_active = False
    manager.save()
    assert next_empty_week() == week(0)  # someone who left covers nothing


def test_it_counts_a_week_set_to_nobody_as_empty(manager, admin_user):
    RotationWeekFactory(week_start=week(0), manager=None)
    assert next_empty_week() == week(0)


def test_it_lets_a_manager_take_an_empty_week_and_audits_it(manager):
    taken = rotation_week_take(week_start=week(1), by=manager)
    assert taken.manager == manager and taken.set_by == manager
    line = LogEntry.objects.get(object_id=str(taken.pk))
    assert line.user == manager and "Took the week of" in line.change_message


def test_it_assigns_waiting_items_when_this_week_is_taken(manager, csm, account):
    waiting = feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    assert waiting.reviewing_manager is None
    rotation_week_take(week_start=week(0), by=manager)
    waiting.refresh_from_db()
    assert waiting.reviewing_manager == manager


def test_it_refuses_to_take_a_colleagues_week_a_past_week_or_for_a_non_manager(manager, colleague, csm):
    RotationWeekFactory(week_start=week(1), manager=colleague)
    with pytest.raises(ValidationError, match="swap with them"):
        rotation_week_take(week_start=week(1), by=manager)
    with pytest.raises(ValidationError, match="over"):
        rotation_week_take(week_start=week(-1), by=manager)
    with pytest.raises(PermissionDenied):
        rotation_week_take(week_start=week(2), by=csm)
    assert RotationWeek.objects.get(week_start=week(1)).manager == colleague


def test_it_swaps_two_weeks_tells_the_colleague_and_audits_both(
    manager, colleague, django_capture_on_commit_callbacks
):
    mine = RotationWeekFactory(week_start=week(1), manager=manager)
    theirs = RotationWeekFactory(week_start=week(2), manager=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        rotation_weeks_swap(mine=week(1), theirs=week(2), with_manager=colleague, by=manager)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.manager, theirs.manager) == (colleague, manager)
    assert LogEntry.objects.filter(object_id__in=[str(mine.pk), str(theirs.pk)], user=manager).count() == 2
    [email] = mail.outbox
    assert email.to == [colleague.email] and f"{week(1):%d %b %Y}" in email.subject


def test_it_swaps_nothing_when_the_other_week_changed_hands(manager, colleague):
    third = UserFactory(roles=["Support manager"])
    RotationWeekFactory(week_start=week(1), manager=manager)
    RotationWeekFactory(week_start=week(2), manager=third)  # the page showed the colleague
    with pytest.raises(ValidationError, match="no longer on duty"):
        rotation_weeks_swap(mine=week(1), theirs=week(2), with_manager=colleague, by=manager)
    assert RotationWeek.objects.get(week_start=week(1)).manager == manager


def test_it_refuses_to_swap_a_week_that_is_not_yours(manager, colleague):
    RotationWeekFactory(week_start=week(1), manager=colleague)
    RotationWeekFactory(week_start=week(2), manager=colleague)
    with pytest.raises(ValidationError, match="not on duty"):
        rotation_weeks_swap(mine=week(1), theirs=week(2), with_manager=colleague, by=manager)


def test_it_audits_an_admins_setting(admin_user, manager):
    from feedback.services import rotation_week_set

    row = rotation_week_set(week_start=week(3), manager=manager, set_by=admin_user)
    assert LogEntry.objects.filter(object_id=str(row.pk), user=admin_user).exists()


def test_the_queue_warns_about_an_empty_week_and_a_manager_takes_it_from_there(client, manager):
    RotationWeekFactory(week_start=week(0), manager=manager)
    client.force_login(manager)
    page = client.get("/feedback/").content.decode()
    assert f"Nobody is on review duty in the week of {day(week(1))}" in page
    response = client.post(
        "/feedback/rotation/take/", {"week_start": week(1).isoformat(), "next": "/feedback/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/feedback/"
    assert "You are on duty in the week of" in response.content.decode()
    # The warning moves on to the next empty week.
    assert f"Nobody is on review duty in the week of {day(week(2))}" in response.content.decode()


def test_it_never_redirects_off_the_site(client, manager):
    client.force_login(manager)
    response = client.post(
        "/feedback/rotation/take/", {"week_start": week(1).isoformat(), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/feedback/rotation/"


def test_the_rotation_page_offers_take_and_swap_to_a_manager(client, manager, colleague):
    RotationWeekFactory(week_start=week(0), manager=manager)
    RotationWeekFactory(week_start=week(1), manager=colleague)
    client.force_login(manager)
    page = client.get("/feedback/rotation/").content.decode()
    assert f'aria-label="Take the week of {day(week(2))}"' in page  # the portal's one date format
    assert f'aria-label="Swap with {colleague} for the week of {day(week(1))}"' in page
    response = client.post(
        "/feedback/rotation/swap/",
        {"mine": week(0).isoformat(), "theirs": week(1).isoformat(), "with_manager": colleague.pk},
        follow=True,
    )
    assert "Swapped: you have the week of" in response.content.decode()
    assert RotationWeek.objects.get(week_start=week(1)).manager == manager
