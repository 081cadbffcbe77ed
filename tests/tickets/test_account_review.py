"""The account review: tickets per week, average score per week, common gaps, lowest tickets."""

import json
import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from tests.factories import OrganizationFactory
from tickets.account_review import account_review
from tickets.models import Ticket
from tickets.review_html import gap_rows, lowest_rows

pytestmark = pytest.mark.django_db

GOOD = (
    "Since the upgrade to 17.1 on Monday, every deploy job fails, blocking 30 developers.\n"
    "Steps to reproduce:\n1. Push to main\n2. Watch the deploy job\n"
    "Current behaviour: it fails with exit code 1.\nExpected behaviour: the job should pass.\n"
    "Recent changes: we upgraded from 17.0 to 17.1 on Sunday evening, nothing else changed at all."
)


def chart_data(body: str) -> dict:
    match = re.search(r'<script id="review-data" type="application/json">(.*?)</script>', body, re.S)
    assert match, "the page embeds its chart data as JSON"
    return json.loads(match.group(1))


def test_it_counts_tickets_and_scores_per_week_and_the_common_gaps(world, make_ticket):
    now = timezone.now()
    make_ticket(days_ago=1, description="broken, call me")
    make_ticket(days_ago=2, description="broken again")
    make_ticket(days_ago=15, description=GOOD, preferred_region="all_regions")
    make_ticket("theirs", days_ago=1)
    make_ticket(days_ago=400)  # outside the period
    review = account_review(world["mine"], weeks=12, now=now)
    assert review.tickets == 3 and review.reviewed == 3
    assert sum(review.tickets_per_week) == 3 and len(review.tickets_per_week) == 12
    assert review.tickets_per_week[-1] + review.tickets_per_week[-2] >= 1
    scores = [s for s in review.score_per_week if s is not None]
    assert scores and min(scores) < max(scores)
    top = {g.code: g for g in review.gaps}
    assert top["detail"].count == 2 and top["detail"].share == 67
    assert top["call_request"].count == 1
    assert review.lowest[0].quality_score <= review.lowest[-1].quality_score


def test_the_page_draws_charts_from_embedded_json_and_links_to_tickets(csm_client, world, make_ticket):
    make_ticket(description="broken, call me")
    response = csm_client.get(f"/tickets/accounts/{world['mine'].pk}/review/?weeks=4")
    body = response.content.decode()
    assert response.status_code == 200
    data = chart_data(body)
    assert len(data["weeks"]) == 4 and sum(data["tickets"]) == 1
    assert any(g["label"] == "Call requested in the first submission" for g in data["gaps"])
    assert "/static/vendor/chart.umd.min.js" in body and "/static/tickets/review.js" in body
    # a gap's count links to the period's tickets with that gap (the same number of rows)
    assert re.search(rf"account={world['mine'].pk}&amp;opened_after=[0-9-]+&amp;finding=call_request", body)
    assert "Draft an education email" in body


def test_customer_text_in_chart_data_cannot_break_out_of_the_script(csm_client, world, make_ticket):
    make_ticket(subject="</script><script>alert(1)</script>", description="broken")
    body = csm_client.get(f"/tickets/accounts/{world['mine'].pk}/review/").content.decode()
    assert "<script>alert(1)</script>" not in body


def test_an_account_without_tickets_gets_a_helpful_empty_state(csm_client, world):
    body = csm_client.get(f"/tickets/accounts/{world['orphan'].pk}/review/").content.decode()
    assert "No tickets in the last 26 weeks" in body and "review-data" not in body


def test_an_unknown_period_falls_back_to_the_default(csm_client, world):
    body = csm_client.get(f"/tickets/accounts/{world['mine'].pk}/review/?weeks=9999").content.decode()
    assert '<option value="26" selected>' in body


def test_the_account_page_shows_the_ticket_review_panel(csm_client, world, make_ticket):
    make_ticket(description="broken, call me")
    body = csm_client.get(f"/accounts/{world['mine'].pk}/").content.decode()
    assert "Ticket review" in body
    assert f"/tickets/accounts/{world['mine'].pk}/review/" in body
    assert "First submission short on detail" in body  # the most common gap, as a gap


def test_the_review_costs_the_same_queries_for_few_or_many_tickets(
    csm_client, world, make_ticket, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/tickets/accounts/{world['mine'].pk}/review/"
    make_ticket(days_ago=1)
    with CaptureQueriesContext(connection) as few:
        csm_client.get(url)
    for n in range(30):
        make_ticket(days_ago=n * 3 + 1, description="broken" if n % 2 else GOOD)
    with django_assert_num_queries(len(few)):
        csm_client.get(url)


HOSTILE = '<script>alert("x")</script>'
TOKEN = "ghp_" + "Q7vK2m" * 6
# The two tables' rows as tickets/account_review.html wrote them before tickets.review_html.
FORMER_ROWS = """{% load tickets_tags %}{% for gap in review.gaps %}
        <tr>
          <td><strong>{{ gap.label }}</strong></td>
          <td class="num">{{ gap.count }}</td>
          <td class="num">{{ gap.share }}%</td>
          <td class="small">{{ gap.handbook }}</td>
          <td class="nowrap"><a href="{{ review.tickets_url }}&amp;finding={{ gap.code }}">See tickets</a></td>
        </tr>
        {% endfor %}|{% for t in review.lowest %}
        <tr>
          <td class="mono"><a href="{{ t.get_absolute_url }}">{{ t.zd_id }}</a></td>
          <td><a href="{{ t.get_absolute_url }}">{{ t.subject|mask_secrets|default:"(no subject)"|truncatechars:80 }}</a>{% if t|claim_unconfirmed:account %} <a class="badge warn" href="{% url 'accounts:detail' account.pk %}#claims" title="{{ t.organization.name }} carries this account's Salesforce ID, but its name and domains do not match the account's and nobody has confirmed it">other organization, not confirmed</a>{% endif %}</td>
          <td>{{ t.requester|default:"—" }}</td>
          <td><span class="badge">{{ t.get_status_display }}</span></td>
          <td class="num"><span class="badge {{ t.quality_score|score_class }}">{{ t.quality_score }}</span></td>
          <td class="nowrap">{{ t.zd_created_at|day }}</td>
        </tr>
        {% endfor %}"""  # noqa: E501


def test_the_gap_and_lowest_rows_are_what_the_template_wrote(world, make_ticket):
    """Masked, cut and escaped subjects and names, a claim's badge with its org's name escaped,
    no subject and no requester: the same HTML the template wrote."""
    account = world["mine"]
    stranger = OrganizationFactory(account=account, name=f"Globex {HOSTILE}")  # claims it, unconfirmed
    make_ticket(days_ago=1, subject=f"{HOSTILE} pasted {TOKEN} " + "long " * 30, description="broken")
    make_ticket(days_ago=2, subject="", organization=stranger, description="broken, call me")
    alone = make_ticket(days_ago=3, subject="No requester", description="x")
    Ticket.objects.filter(pk=alone.pk).update(requester=None)
    review = account_review(account, weeks=12)
    assert len(review.lowest) == 3 and review.gaps
    former = Template(FORMER_ROWS).render(Context({"review": review, "account": account}))
    html = f"{gap_rows(review)}|{lowest_rows(review)}"
    assert compact(html) == compact(former)
    assert "<script>" not in html and TOKEN not in html and "other organization, not confirmed" in html


def compact(html: str) -> str:
    """Without the whitespace between tags (the template's indentation)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s*\|\s*", "|", html.strip()))
