"""Satisfaction ratings: per account and ticket, the trend chart, CSV, and the one-click
forward of a bad rating with a comment (idempotent: one rating, at most one item)."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.utils import timezone

from feedback.models import Channel, Feedback
from feedback.trends import build_trend
from tests.factories import AccountFactory, TicketFactory
from tests.factories.feedback import RatingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_rating(ticket):
    return RatingFactory(ticket=ticket, score="bad", comment="Three days without an answer.", reason="Slow")


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_ratings_in_constant_queries(client, manager, rows, django_assert_num_queries):
    for _ in range(rows):
        RatingFactory(score="bad", comment="Slow")
    client.force_login(manager)
    # session, user, roles, the trend (its weekly counts sum to the page count), the page (with
    # its items); and the shared CsmFilter's choices (active CSMs), read once.
    with django_assert_num_queries(6):
        response = client.get("/feedback/ratings/")
    assert len(response.context["page"].object_list) == rows


def test_it_opens_on_the_csms_own_accounts_and_the_last_90_days(client, csm, account, ticket):
    mine = RatingFactory(ticket=ticket)
    old = RatingFactory(ticket=ticket, zd_created_at=timezone.now() - dt.timedelta(days=120))
    theirs = RatingFactory(ticket=TicketFactory(account=AccountFactory()))
    client.force_login(csm)
    assert list(client.get("/feedback/ratings/").context["page"].object_list) == [mine]
    wider = set(client.get("/feedback/ratings/?csm=any&period=all").context["page"].object_list)
    assert wider == {mine, old, theirs}


def test_it_filters_per_account_and_per_ticket(client, manager, ticket, bad_rating):
    other = RatingFactory()
    client.force_login(manager)
    assert list(
        client.get(f"/feedback/ratings/?account={ticket.account_id}").context["page"].object_list
    ) == [bad_rating]
    assert list(client.get(f"/feedback/ratings/?q=%23{ticket.zd_id}").context["page"].object_list) == [
        bad_rating
    ]
    assert list(client.get("/feedback/ratings/?score=good").context["page"].object_list) == [other]
    assert list(client.get("/feedback/ratings/?commented=yes&score=bad").context["page"].object_list) == [
        bad_rating
    ]


def test_it_leaves_out_surveys_nobody_answered_unless_asked(client, manager):
    answered = RatingFactory(score="good")
    offered = RatingFactory(score="offered", comment="")
    client.force_login(manager)
    assert list(client.get("/feedback/ratings/").context["page"].object_list) == [answered]
    assert list(client.get("/feedback/ratings/?score=offered").context["page"].object_list) == [offered]


def test_it_draws_the_trend_from_json_data(client, manager, ticket):
    now = timezone.now()
    RatingFactory(ticket=ticket, score="good", zd_created_at=now)
    RatingFactory(ticket=ticket, score="bad", zd_created_at=now)
    RatingFactory(ticket=ticket, score="good", zd_created_at=now - dt.timedelta(days=14))
    client.force_login(manager)
    html = client.get("/feedback/ratings/?period=30").content.decode()
    data = json.loads(
        re.search(r'<script id="ratings-trend" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert len(data["labels"]) in (5, 6)  # every week of the last 30 days, even empty ones
    assert data["good"][-1] == 1 and data["bad"][-1] == 1 and data["satisfaction"][-1] == 50
    assert sum(data["good"]) == 2 and data["total_satisfaction"] == 67
    assert 'src="/static/vendor/chart.umd.min.js"' in html and 'src="/static/feedback/feedback.js"' in html


def test_it_builds_weekly_trends_with_empty_weeks():
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    from collections import Counter

    trend = build_trend(
        Counter({(monday, "good"): 3, (monday - dt.timedelta(weeks=2), "bad"): 1}),
        since=monday - dt.timedelta(weeks=2),
    )
    assert (
        trend["good"] == [0, 0, 3] and trend["bad"] == [1, 0, 0] and trend["satisfaction"] == [0, None, 100]
    )


def test_it_turns_a_bad_rating_with_a_comment_into_feedback_in_one_click(client, csm, bad_rating, on_duty):
    client.force_login(csm)
    response = client.post(f"/feedback/ratings/{bad_rating.pk}/forward/")
    item = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/feedback/{item.pk}/"
    assert (item.rating, item.ticket, item.account) == (bad_rating, bad_rating.ticket, bad_rating.account)
    assert item.customer_words == "Three days without an answer." and item.sentiment == "negative"
    assert item.channel == Channel.SURVEY and "rated bad (Slow)" in item.csm_context
    assert item.forwarded_by == csm and item.reviewing_manager == on_duty


def test_it_makes_at_most_one_item_of_a_rating(client, csm, other_csm, bad_rating):
    client.force_login(csm)
    first = client.post(f"/feedback/ratings/{bad_rating.pk}/forward/")
    again = client.post(f"/feedback/ratings/{bad_rating.pk}/forward/", follow=True)
    assert Feedback.objects.count() == 1 and first["Location"] == again.redirect_chain[-1][0]
    assert "already forwarded" in again.content.decode()
    client.force_login(other_csm)  # a CSM who may not open the item is told who forwarded it
    response = client.post(
        f"/feedback/ratings/{bad_rating.pk}/forward/", {"next": "/feedback/ratings/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/feedback/ratings/" and Feedback.objects.count() == 1
    assert "already forwarded by Casey CSM" in response.content.decode()


def test_it_shows_the_forward_button_only_where_it_applies(client, csm, ticket, bad_rating):
    good = RatingFactory(ticket=ticket, score="good", comment="Great")
    silent = RatingFactory(ticket=ticket, score="bad", comment="")
    client.force_login(csm)
    html = client.get("/feedback/ratings/").content.decode()
    assert f"/feedback/ratings/{bad_rating.pk}/forward/" in html
    assert (
        f"/feedback/ratings/{good.pk}/forward/" not in html
        and f"/feedback/ratings/{silent.pk}/forward/" not in html
    )
    client.post(f"/feedback/ratings/{bad_rating.pk}/forward/")
    html = client.get("/feedback/ratings/").content.decode()
    assert f"/feedback/ratings/{bad_rating.pk}/forward/" not in html and "Item #" in html


def test_it_refuses_to_forward_a_good_or_silent_rating(client, csm, ticket):
    silent = RatingFactory(ticket=ticket, score="bad", comment="  ")
    client.force_login(csm)
    response = client.post(f"/feedback/ratings/{silent.pk}/forward/", follow=True)
    assert "Only a bad rating with a comment" in response.content.decode()
    assert not Feedback.objects.exists()


def test_it_does_not_follow_an_outside_next_link(client, csm, ticket):
    good = RatingFactory(ticket=ticket, score="good")
    client.force_login(csm)
    response = client.post(f"/feedback/ratings/{good.pk}/forward/", {"next": "https://evil.example/"})
    assert response["Location"] == "/feedback/ratings/"


def test_it_exports_ratings_as_csv(client, manager, bad_rating):
    client.force_login(manager)
    body = b"".join(client.get("/feedback/ratings/export.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "Rated",
        "Score",
        "Ticket",
        "Account",
        "Requester",
        "Reason",
        "Comment",
        "Feedback item",
    ]
    assert (
        rows[1][1:3] == ["Bad", str(bad_rating.zd_ticket_id)]
        and rows[1][6] == "Three days without an answer."
    )


def test_the_count_taken_from_the_trend_is_the_lists_whatever_the_score_and_period(client, manager):
    """Good or bad ratings are counted by the trend's query (every week, not only those it
    shows); a list of other scores is counted by itself."""
    now = timezone.now()
    for days in (1, 40, 800):  # 800 days: older than the trend's two years
        when = now - dt.timedelta(days=days)
        RatingFactory(score="good", zd_created_at=when)
        RatingFactory(score="bad", zd_created_at=when)
        RatingFactory(score="offered", zd_created_at=when, comment="")
    client.force_login(manager)
    for query, count in [
        ("period=all", 6), ("period=90", 4), ("period=all&score=good", 3), ("period=all&score=offered", 3),
        ("period=all&commented=no", 0), ("period=bogus", None),
    ]:  # fmt: skip
        page = client.get(f"/feedback/ratings/?{query}").context["page"]
        assert page.paginator.count == len(page.object_list)  # one page: every rating listed
        assert count is None or page.paginator.count == count  # None: an invalid filter, as before
