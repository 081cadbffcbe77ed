"""The rotation page: managers read it, admins set each week's manager."""

import datetime as dt

import pytest

from feedback.models import RotationWeek
from feedback.rotation import current_week_start
from tests.factories.feedback import RotationWeekFactory

pytestmark = pytest.mark.django_db


def test_it_shows_managers_the_weeks_without_forms(client, manager):
    RotationWeekFactory(manager=manager)
    client.force_login(manager)
    response = client.get("/feedback/rotation/")
    html = response.content.decode()
    assert f"On duty this week: <strong>{manager}</strong>" in html and "this week" in html
    assert "<select" not in html and len(response.context["rows"]) == 14


def test_it_lets_an_admin_set_a_week_and_keeps_the_page(client, admin_user, manager):
    client.force_login(admin_user)
    week = current_week_start() + dt.timedelta(weeks=3)
    response = client.post(
        f"/feedback/rotation/?from={week.isoformat()}",
        {"week_start": week.isoformat(), "manager": manager.pk},
        follow=True,
    )
    assert RotationWeek.objects.get(week_start=week).manager == manager
    assert response.redirect_chain[-1][0] == f"/feedback/rotation/?from={week.isoformat()}"
    assert f"Week of {week:%a} {week.day} {week:%b %Y}: {manager}." in response.content.decode()


def test_it_explains_a_bad_week_start(client, admin_user, manager):
    client.force_login(admin_user)
    tuesday = current_week_start() + dt.timedelta(days=1)
    response = client.post(
        "/feedback/rotation/", {"week_start": tuesday.isoformat(), "manager": manager.pk}, follow=True
    )
    assert "starts on a Monday" in response.content.decode() and not RotationWeek.objects.exists()


def test_it_renders_in_constant_queries(client, admin_user, manager, django_assert_num_queries):
    for n in range(10):
        RotationWeekFactory(manager=manager, week_start=current_week_start() + dt.timedelta(weeks=n))
    client.force_login(admin_user)
    # session, user, roles, two-factor, the weeks, the managers to choose from, the manager on
    # duty (+ its check)
    with django_assert_num_queries(8):
        client.get("/feedback/rotation/")


def test_it_pages_through_weeks(client, manager):
    client.force_login(manager)
    response = client.get("/feedback/rotation/?from=2026-01-07")
    assert response.context["first"] == dt.date(2026, 1, 5)
    assert client.get("/feedback/rotation/?from=garbage").status_code == 200


def test_it_sets_the_rotation_from_the_django_admin_through_the_service(client, admin_user, manager, csm):
    from feedback.services import feedback_forward
    from tests.factories import AccountFactory
    from tests.feedback.conftest import forward_kwargs

    waiting = feedback_forward(forwarded_by=csm, account=AccountFactory(), **forward_kwargs())
    client.force_login(admin_user)
    bad = client.post(
        "/admin/feedback/rotationweek/add/",
        {"week_start": (current_week_start() + dt.timedelta(days=2)).isoformat(), "manager": manager.pk},
    )
    assert bad.status_code == 200 and "starts on a Monday" in bad.content.decode()
    response = client.post(
        "/admin/feedback/rotationweek/add/",
        {"week_start": current_week_start().isoformat(), "manager": manager.pk},
    )
    assert response.status_code == 302
    week = RotationWeek.objects.get()
    assert (week.manager, week.set_by) == (manager, admin_user)
    waiting.refresh_from_db()
    assert waiting.reviewing_manager == manager
    assert client.get(f"/admin/feedback/feedback/{waiting.pk}/change/").status_code == 200
