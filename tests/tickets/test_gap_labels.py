"""A gap is named as what is missing or found ("No steps to reproduce"), wherever only gaps are
listed; the ticket page keeps the practice's own title for the checks it passed."""

import re

import pytest

from tickets.review.checks import CHECKS

pytestmark = pytest.mark.django_db


def test_the_dashboards_gap_filter_offers_gaps(csm_client, world):
    html = csm_client.get("/tickets/").content.decode()
    select = html.split('name="finding"')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', select)
    assert dict(options)["steps"] == "No steps to reproduce"
    assert {code for code, _ in options} == set(CHECKS)
    assert all(label == CHECKS[code].gap for code, label in options)


def test_the_account_review_and_the_ticket_name_the_missing_practice(csm_client, world, make_ticket):
    ticket = make_ticket(description="broken, call me")
    review = csm_client.get(f"/tickets/accounts/{world['mine'].pk}/review/").content.decode()
    assert "No steps to reproduce" in review and "<strong>Steps to reproduce</strong>" not in review
    page = csm_client.get(f"/tickets/{ticket.zd_id}/").content.decode()
    assert "<strong>No steps to reproduce</strong>" in page
