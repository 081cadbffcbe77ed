"""The home page: each role's section, its counts and links, in a bounded number of queries."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from feedback.models import RotationWeek
from feedback.rotation import current_week_start
from supportops.models import RequestStatus
from tests.factories import FeedbackFactory, OpsRequestFactory
from tests.home.conftest import MAKERS, account_of, breached
from users.roles import Role

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text as a person reads it."""
    return " ".join(strip_tags(response.content.decode()).split())


def test_a_csm_lands_on_their_accounts_ranked_with_counts(csm, csm_client):
    breached(account_of(csm, "Aurora Analytics"), 2)
    MAKERS["renewal"](account_of(csm, "Borealis Bank"))
    account_of(csm, "Calm Co")

    response = csm_client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Aurora Analytics") < html.index("Borealis Bank")
    assert "Calm Co" not in html
    assert "See the breached tickets (2)" in html
    assert "2 of your 3 accounts need attention" in words(response)
    sections = {s.reason: s for s in response.context["attention"].sections}
    assert (sections["sla_breached"].count, sections["sla_breached"].accounts) == (2, 1)
    assert (sections["renewal"].count, sections["renewal"].accounts) == (1, 1)


def test_a_needs_attention_button_shows_only_the_accounts_with_that_reason(csm, csm_client):
    breached(account_of(csm, "Aurora Analytics"))
    MAKERS["renewal"](account_of(csm, "Borealis Bank"))

    response = csm_client.get("/?reason=renewal")

    html = response.content.decode()
    assert "Borealis Bank" in html and "Aurora Analytics" not in html
    assert "1 account with “Renewal within 30 days”" in words(response)


def test_the_list_is_paged_beyond_the_top_accounts(csm, csm_client):
    for n in range(23):
        MAKERS["data"](account_of(csm, f"Account {n:02d}"))

    first = csm_client.get("/").context["page"]
    second = csm_client.get("/?page=2").context["page"]

    assert len(first.object_list) == 20 and first.paginator.count == 23
    assert [row.name for row in second.object_list] == ["Account 20", "Account 21", "Account 22"]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_the_csm_section_costs_the_same_queries_for_3_or_30_accounts(
    csm, csm_client, django_assert_max_num_queries
):
    def accounts(start, count):
        for n in range(start, start + count):
            account = account_of(csm, f"Account {n:02d}")
            for make in MAKERS.values():
                make(account)

    accounts(0, 3)
    few = _queries(csm_client)
    accounts(3, 27)
    with django_assert_max_num_queries(few):
        csm_client.get("/")
    assert few <= 12, few


def test_a_manager_sees_the_queue_due_and_overdue_and_the_next_empty_week(
    manager, manager_client, django_assert_max_num_queries
):
    now = timezone.now()
    overdue = FeedbackFactory(first_response_due_at=now - dt.timedelta(hours=3))
    due = FeedbackFactory(first_response_due_at=now + dt.timedelta(hours=5))
    later = FeedbackFactory(first_response_due_at=now + dt.timedelta(days=5))
    this_week = current_week_start(now)
    RotationWeek.objects.create(week_start=this_week, manager=manager)

    with django_assert_max_num_queries(10):
        response = manager_client.get("/")

    html = response.content.decode()
    assert [item.pk for item in response.context["manager"].items] == [overdue.pk, due.pk]
    assert f"#{later.pk}<" not in html
    counts = response.context["manager"].counts
    assert (counts["overdue"], counts["due_soon"]) == (1, 1)
    assert 'href="/feedback/?status=open&amp;due=overdue"' in html
    next_week = this_week + dt.timedelta(weeks=1)
    assert response.context["manager"].empty_week == next_week
    assert f"/feedback/rotation/?from={next_week:%Y-%m-%d}" in html
    assert "Your accounts" not in html  # no CSM section without the CSM role


def test_a_week_whose_manager_left_the_role_counts_as_empty(manager, manager_client, other_csm):
    this_week = current_week_start()
    RotationWeek.objects.create(week_start=this_week, manager=other_csm)  # not a support manager
    assert manager_client.get("/").context["manager"].empty_week == this_week


def test_support_ops_see_unclaimed_and_flagged_requests(ops_client):
    claimed = OpsRequestFactory(status=RequestStatus.CLAIMED)
    unclaimed = OpsRequestFactory()
    flagged = OpsRequestFactory(status=RequestStatus.FLAGGED)

    response = ops_client.get("/")

    assert [item.pk for item in response.context["ops"].items] == [flagged.pk, unclaimed.pk]
    assert claimed.pk not in [item.pk for item in response.context["ops"].items]
    html = response.content.decode()
    assert 'href="/requests/?state=open"' in html and 'href="/requests/?state=flagged"' in html


def test_an_admin_sees_the_sync_state_and_the_admin_links(admin_client_):
    html = admin_client_.get("/").content.decode()
    assert "sync streams" in html
    for link in ("/sync/", "/connections/", "/accounts/people-to-invite/", "/notifications/outbox/"):
        assert f'href="{link}"' in html


def test_a_person_with_several_roles_sees_each_roles_section(csm, client):
    csm.groups.add(Group.objects.get_or_create(name=Role.SUPPORT_MANAGER)[0])
    csm.groups.add(Group.objects.get_or_create(name=Role.SUPPORT_OPS)[0])
    client.force_login(csm)

    html = client.get("/").content.decode()

    assert "Your accounts" in html and "Feedback queue" in html and "Requests to support ops" in html
    assert "The portal" not in html  # not an admin


def test_someone_without_a_role_is_told_to_ask_an_admin(no_role_user, client):
    client.force_login(no_role_user)
    response = client.get("/")
    assert response.status_code == 403 and b"no role yet" in response.content


def test_the_home_page_is_read_only(csm_client):
    assert csm_client.post("/").status_code == 405
