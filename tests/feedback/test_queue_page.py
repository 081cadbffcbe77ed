"""The managers' queue and the CSM's list: scope, order, overdue items, filters, CSV, queries."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from feedback.models import Feedback
from feedback.selectors import queue_counts
from tests.factories import AccountFactory, TicketFactory, UserFactory
from tests.factories.feedback import FeedbackFactory

pytestmark = pytest.mark.django_db


def make_items(n, **kwargs):
    return [FeedbackFactory(**kwargs) for _ in range(n)]


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_the_managers_queue_in_constant_queries(client, manager, django_assert_num_queries, rows):
    make_items(rows, reviewing_manager=manager)
    client.force_login(manager)
    # session, user, roles, headline counts, the rotation's coming weeks, page count, manager
    # choices, the page of items
    with django_assert_num_queries(8):
        response = client.get("/feedback/")
    assert response.status_code == 200 and len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_a_csms_items_in_constant_queries(client, csm, django_assert_num_queries, rows):
    make_items(rows, forwarded_by=csm)
    client.force_login(csm)
    # session, user, roles, page count, the page of items
    with django_assert_num_queries(5):
        response = client.get("/feedback/")
    assert len(response.context["page"].object_list) == rows


def test_it_puts_items_waiting_for_a_first_response_first_soonest_due_first(client, manager):
    now = timezone.now()
    later = FeedbackFactory(first_response_due_at=now + dt.timedelta(days=5))
    overdue = FeedbackFactory(first_response_due_at=now - dt.timedelta(hours=2))
    answered = FeedbackFactory(
        status="triaged", first_responded_at=now, first_response_due_at=now - dt.timedelta(days=1)
    )
    soon = FeedbackFactory(first_response_due_at=now + dt.timedelta(hours=3))
    client.force_login(manager)
    response = client.get("/feedback/")
    assert list(response.context["page"].object_list) == [overdue, soon, later, answered]


def test_it_makes_overdue_items_stand_out(client, manager):
    FeedbackFactory(first_response_due_at=timezone.now() - dt.timedelta(days=2))
    FeedbackFactory(first_response_due_at=timezone.now() + dt.timedelta(hours=5))
    FeedbackFactory(first_response_due_at=timezone.now() + dt.timedelta(days=5))
    client.force_login(manager)
    response = client.get("/feedback/")
    html = response.content.decode()
    assert html.count('class="fb-overdue"') == 1 and "Overdue by 2" in html
    assert html.count('class="fb-due-soon"') == 1 and "Due in 4\xa0hours" in html
    counts = response.context["counts"]
    assert (counts["overdue"], counts["due_soon"], counts["new"]) == (1, 1, 3)


def test_it_opens_the_managers_queue_on_open_items_and_the_csms_list_on_everything(client, manager, csm):
    open_item = FeedbackFactory(forwarded_by=csm)
    closed = FeedbackFactory(forwarded_by=csm, status="closed", outcome="Done")
    client.force_login(manager)
    assert list(client.get("/feedback/").context["page"].object_list) == [open_item]
    assert set(client.get("/feedback/?status=all").context["page"].object_list) == {open_item, closed}
    client.force_login(csm)
    assert set(client.get("/feedback/").context["page"].object_list) == {open_item, closed}
    assert b"Done" in client.get("/feedback/").content  # the CSM sees the outcome in the list


def test_it_filters_by_manager_sentiment_due_and_search(client, manager):
    other = UserFactory(roles=["Support manager"])
    mine = FeedbackFactory(reviewing_manager=manager, sentiment="positive")
    theirs = FeedbackFactory(reviewing_manager=other, customer_words="The runner docs were wrong")
    unassigned = FeedbackFactory(first_response_due_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(manager)

    def listed(query):
        return set(client.get(f"/feedback/?{query}").context["page"].object_list)

    assert listed("manager=mine") == {mine}
    assert listed("manager=unassigned") == {unassigned}
    assert listed(f"manager={other.pk}") == {theirs}
    assert listed("sentiment=positive") == {mine}
    assert listed("due=overdue") == {unassigned}
    assert listed("q=runner+docs") == {theirs}
    assert listed(f"q=%23{theirs.zd_ticket_id}") == {theirs}
    assert listed(f"account={mine.account_id}") == {mine}


def test_it_answers_htmx_with_the_table_only(client, manager):
    FeedbackFactory()
    client.force_login(manager)
    response = client.get("/feedback/?sentiment=negative", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="list-table">') and "<html" not in html
    assert "counts" not in response.context  # no headline query for a table refresh


def test_it_escapes_customer_text_in_the_list(client, manager):
    FeedbackFactory(customer_words='<script>alert("x")</script>')
    client.force_login(manager)
    html = client.get("/feedback/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_it_exports_the_filtered_list_as_csv_safely(client, manager, django_assert_num_queries):
    account = AccountFactory(name="Initech")
    FeedbackFactory(
        ticket=TicketFactory(account=account), account=account, customer_words='=HYPERLINK("http://x")'
    )
    FeedbackFactory(sentiment="positive")
    client.force_login(manager)
    with django_assert_num_queries(4):  # session, user, roles, the rows
        response = client.get("/feedback/export.csv?sentiment=negative")
        body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["Item", "Forwarded", "Account", "Ticket"] and len(rows) == 2
    assert rows[1][2] == "Initech" and rows[1][18] == '\'=HYPERLINK("http://x")'
    assert response["Content-Disposition"] == 'attachment; filename="feedback.csv"'


def test_it_exports_only_what_the_csm_may_see(client, csm, other_csm):
    FeedbackFactory(forwarded_by=csm)
    FeedbackFactory(forwarded_by=other_csm)
    client.force_login(csm)
    body = b"".join(client.get("/feedback/export.csv").streaming_content).decode()
    assert len(list(csv.reader(io.StringIO(body)))) == 2


def test_the_headline_counts_count_each_item_where_it_belongs(manager):
    """New, open, overdue and due within a day (waiting for a first response, not closed),
    unassigned and the manager's own; an empty scope counts nothing."""
    now = timezone.now()
    FeedbackFactory(first_response_due_at=now - dt.timedelta(hours=1))  # new, overdue, unassigned
    FeedbackFactory(first_response_due_at=now + dt.timedelta(hours=3))  # new, due soon, unassigned
    FeedbackFactory(status="triaged", reviewing_manager=manager, first_responded_at=now)  # open, mine
    FeedbackFactory(status="actioned", reviewing_manager=UserFactory(roles=["Support manager"]))  # open
    FeedbackFactory(status="closed", first_response_due_at=now - dt.timedelta(days=1))  # closed: none
    FeedbackFactory(first_response_due_at=now + dt.timedelta(days=2))  # new, unassigned, due later
    counts = queue_counts(Feedback.objects.all(), manager)
    assert counts == {"new": 3, "open": 5, "overdue": 1, "due_soon": 1, "unassigned": 3, "mine": 1}
    assert set(queue_counts(Feedback.objects.none(), manager).values()) == {0}
