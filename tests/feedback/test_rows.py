"""The feedback lists' rows rendered in Python (feedback.rows) keep what the templates gave:
customer text escaped and its secrets masked, cut where the template cut it, links to the
right pages, and the badges and marks of each row."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone

from feedback import rows
from feedback.cadence import Gap, GapSummary, TicketRow
from feedback.models import Feedback, Rating
from tests.factories import AccountFactory, OrganizationFactory, TicketFactory, UserFactory
from tests.factories.contacts import SupportUserFactory
from tests.factories.feedback import FeedbackFactory, RatingFactory

pytestmark = pytest.mark.django_db

TOKEN = "ghp_" + "Q7vK2m" * 6
HOSTILE = '<script>alert("x")</script>'


def assert_safe(html: str) -> None:
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert TOKEN not in html


def hostile_item() -> Feedback:
    """An item whose every shown text is hostile (and whose customer's words hold a secret)."""
    account = AccountFactory(name=f"Acme {HOSTILE}")
    return FeedbackFactory(
        ticket=TicketFactory(account=account),
        account=account,
        customer_words=f"{HOSTILE} they pasted {TOKEN}",
        forwarded_by=UserFactory(name=f"Casey {HOSTILE}", roles=["CSM"]),
        reviewing_manager=UserFactory(name=f"Sam {HOSTILE}", roles=["Support manager"]),
        outcome=f"Coached {HOSTILE}",
    )


def test_a_queue_row_escapes_and_masks_customer_text_and_names():
    item = hostile_item()
    for manager in (True, False):
        html = rows.queue_rows([item], manager=manager)
        assert_safe(html)
        assert html.count(f'href="/feedback/{item.pk}/"') == 2 and f"#{item.ticket.zd_id}" in html
        assert "they pasted ghp_" in html  # masked, not dropped
    assert "Sam &lt;script&gt;" in rows.queue_rows([item], manager=True)
    assert "Coached &lt;script&gt;" in rows.queue_rows([item], manager=False)


def test_a_queue_row_cuts_long_words_as_truncatechars_did_and_marks_overdue_items():
    now = timezone.now()
    overdue = FeedbackFactory(customer_words="x" * 300, first_response_due_at=now - dt.timedelta(hours=3))
    soon = FeedbackFactory(first_response_due_at=now + dt.timedelta(hours=5), wants_manager_contact=True)
    answered = FeedbackFactory(status="triaged", first_responded_at=now, action="")
    html = rows.queue_rows([overdue, soon, answered], manager=False)
    assert "x" * 139 + "\u2026" in html and "x" * 140 not in html
    assert html.count('<tr class="fb-overdue">') == 1 and "Overdue by 3" in html
    assert html.count('<tr class="fb-due-soon">') == 1 and "wants a manager" in html
    assert "Waiting for a manager" in html and "In progress" in html  # new; triaged, no action yet
    assert "unassigned" in rows.queue_rows([overdue], manager=True)


def test_the_queue_rows_loaded_with_annotated_columns_are_the_rows_of_the_full_items():
    """The queue loads one instance per item with the related columns its row shows annotated
    (`queue_items`): its rows are those of the items with their relations."""
    now = timezone.now()
    account = hostile_item().account
    nameless = UserFactory(name="", roles=["Support manager"])
    FeedbackFactory(ticket=None, account=account, zd_ticket_id=4321, reviewing_manager=nameless)
    FeedbackFactory(ticket=None, account=account, zd_ticket_id=None, wants_manager_contact=True)
    FeedbackFactory(first_response_due_at=now - dt.timedelta(hours=3), forwarded_by=UserFactory(name=""))
    FeedbackFactory(status="triaged", first_responded_at=now, action="Called them")
    full = list(Feedback.objects.select_related().order_by("pk"))
    loaded = list(rows.queue_items(Feedback.objects.order_by("pk")))
    assert all(hasattr(item, "row_account") for item in loaded)
    for manager in (True, False):
        assert rows.queue_rows(loaded, manager=manager) == rows.queue_rows(full, manager=manager)


def test_the_rating_rows_loaded_with_annotated_columns_are_the_rows_of_the_full_ratings():
    ticket = TicketFactory(subject=f"{HOSTILE} clone fails {TOKEN}")
    RatingFactory(
        ticket=ticket,
        score="bad",
        comment=f"{HOSTILE} asked for {TOKEN}",
        reason=HOSTILE,
        requester=SupportUserFactory(name=f"Riley {HOSTILE}"),
    )
    RatingFactory(ticket=None, zd_ticket_id=555, account=None, comment="")
    RatingFactory(score="bad", requester=SupportUserFactory(name="", email=""))  # deleted person
    RatingFactory(score="bad", requester=SupportUserFactory(name="", email="who@customer.example"))
    full = list(Rating.objects.select_related("ticket", "account", "requester").order_by("pk"))
    loaded = list(rows.rating_row_items(Rating.objects.order_by("pk")))
    for rating in (*full, *loaded):
        rating.feedback_id = None
    assert all(hasattr(rating, "row_ticket") for rating in loaded)
    for can_forward in (True, False):
        assert rows.rating_rows(loaded, can_forward=can_forward, csrf_token="tok", next_url="/") == (
            rows.rating_rows(full, can_forward=can_forward, csrf_token="tok", next_url="/")
        )


def test_a_rating_row_escapes_and_masks_and_offers_forwarding_only_when_it_may():
    ticket = TicketFactory(subject=f"{HOSTILE} clone fails {TOKEN}")
    bad = RatingFactory(ticket=ticket, score="bad", comment=f"{HOSTILE} asked for {TOKEN}", reason=HOSTILE)
    bad.feedback_id = None
    next_url = '/feedback/ratings/?q={x}"><b>'
    html = rows.rating_rows([bad], can_forward=True, csrf_token="tok", next_url=next_url)
    assert_safe(html)
    assert html.count("&lt;script&gt;") == 3 and TOKEN not in html  # the subject, comment and reason
    assert f'action="/feedback/ratings/{bad.pk}/forward/"' in html and 'value="tok"' in html
    assert 'value="/feedback/ratings/?q={x}&quot;&gt;&lt;b&gt;"' in html  # the way back, escaped
    assert f'href="/tickets/{ticket.zd_id}/"' in html and f'href="/accounts/{ticket.account_id}/"' in html
    assert "Forward as feedback" not in rows.rating_rows(
        [bad], can_forward=False, csrf_token="", next_url="/"
    )

    bad.feedback_id = 42  # already forwarded: its item, no form
    html = rows.rating_rows([bad], can_forward=True, csrf_token="tok", next_url="/")
    assert 'href="/feedback/42/">Item #42</a>' in html and "Forward as feedback" not in html


def test_a_rating_without_ticket_or_account_says_so():
    rating = RatingFactory(ticket=None, zd_ticket_id=555, account=None, comment="")
    rating.feedback_id = None
    html = rows.rating_rows([rating], can_forward=True, csrf_token="tok", next_url="/")
    assert '<span class="mono">#555</span>' in html and "unlinked" in html and "no comment" in html
    assert "Forward as feedback" not in html  # a good rating


def test_the_cadence_rows_escape_mask_and_mark_unconfirmed_claims():
    account = AccountFactory(name="Acme Robotics")
    stranger = OrganizationFactory(account=account, name="Globex Corp")  # claims it, unconfirmed
    ticket = TicketFactory(
        account=account, organization=stranger, subject=f"{HOSTILE} uses {TOKEN}", quality_score=None
    )
    gap = Gap("logs", f"Logs {HOSTILE} and more words than forty characters")
    html = rows.cadence_ticket_rows([TicketRow(ticket, [gap]), TicketRow(ticket, [])], account)
    assert_safe(html)
    assert html.count(f'href="/accounts/{account.pk}/#claims"') == 2
    assert html.count(f'href="/tickets/{ticket.zd_id}/"') == 2 and '<span class="muted">none</span>' in html
    assert '<td class="num">\u2014</td>' in html

    item = FeedbackFactory(
        ticket=ticket,
        account=account,
        customer_words=f"{HOSTILE} {TOKEN}",
        outcome=HOSTILE,
        first_response_due_at=timezone.now() - dt.timedelta(days=1),
    )
    html = rows.cadence_feedback_rows([item])
    assert_safe(html)
    assert f"ticket #{ticket.zd_id}" in html and '<span class="badge bad">overdue</span>' in html

    rating = RatingFactory(ticket=ticket, score="bad", comment=f"{HOSTILE} {TOKEN}", reason=HOSTILE)
    quiet = RatingFactory(ticket=ticket, score="good", comment="")
    html = rows.cadence_rating_items([rating, quiet])
    assert_safe(html)
    assert html.count("<li>") == 1  # a good rating without a comment is not one to talk about


@pytest.mark.parametrize(
    "text",
    ["short", "x" * 140, "x" * 141, "word " * 60, "e\u0301" * 100 + "tail", "caf\u00e9 " * 50, ""],
)
def test_cut_gives_what_truncatechars_gave(text):
    assert rows.cut(text, 140) == truncatechars(text, 140)


# The gaps' rows as feedback/cadence.html wrote them before feedback.rows.cadence_gap_rows.
FORMER_GAP_ROWS = """{% for row in gap_summary %}
      <tr><td><strong>{{ row.gap.label }}</strong>{% if row.gap.advice %}<div class="small muted">{{ row.gap.advice }}</div>{% endif %}</td>
        <td class="num">{{ row.tickets|length }}</td>
        <td class="small mono">{% for n in row.tickets|slice:":12" %}#{{ n }}{% if not forloop.last %}, {% endif %}{% endfor %}{% if row.tickets|length > 12 %} …{% endif %}</td></tr>
    {% endfor %}"""  # noqa: E501


def test_the_cadence_gap_rows_are_what_the_template_wrote():
    summaries = [
        GapSummary(Gap("x", f"Label {HOSTILE}", f"Advice {HOSTILE} & more"), list(range(100, 115))),
        GapSummary(Gap("y", "No advice"), [7]),
        GapSummary(Gap("z", "Twelve", "a"), list(range(1, 13))),
    ]
    former = Template(FORMER_GAP_ROWS).render(Context({"gap_summary": summaries}))
    html = rows.cadence_gap_rows(summaries)
    assert without_indentation(html) == without_indentation(former)
    assert "&lt;script&gt;" in html and "<script>" not in html and "#114" not in html


def without_indentation(html: str) -> str:
    """The HTML without the whitespace between tags (the template's indentation)."""
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    ("view_name", "number"),
    [
        ("feedback:detail", 7),
        ("feedback:rating_forward", 12345),
        ("accounts:detail", 3),
        ("tickets:detail", 99903),
    ],
)
def test_the_rows_links_are_the_routes_reversed(view_name, number):
    links = rows.Links()
    assert links(view_name, number) == links(view_name, number) == reverse(view_name, args=[number])
    assert links(view_name, str(number)) == reverse(view_name, args=[number])  # as fast_reverse does
