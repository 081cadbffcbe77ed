"""The ticket page: who, entitlement, links, SLA in words, the review with its quotes, the timeline."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import SupportLevel
from tests.factories import CaseFactory, CommentFactory, SupportUserFactory
from tickets.services import ticket_reviews_refresh

pytestmark = pytest.mark.django_db

SECRET = "glpat-9xY2kLmN4pQr7sTu1vWz"


def page(client, ticket) -> str:
    response = client.get(f"/tickets/{ticket.zd_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_who_with_entitlement_and_links(csm_client, make_ticket, settings):
    settings.SALESFORCE_WEB_URL = "https://acme.lightning.force.com"
    ticket = make_ticket()
    CaseFactory(ticket=ticket, case_number="00012345", sf_id="500000000000001AAA")
    body = page(csm_client, ticket)
    assert "Acme Rockets person" in body and "Entitled contact" in body
    assert "Acme Rockets" in body and "Casey CSM" in body
    assert f"https://{settings.ZENDESK_SUBDOMAIN}.zendesk.com/agent/tickets/{ticket.zd_id}" in body
    assert "/api/v2/" not in body
    assert "https://acme.lightning.force.com/lightning/r/500000000000001AAA/view" in body
    assert "Salesforce case 00012345" in body


def test_a_requester_outside_the_tickets_organization_is_not_entitled(csm_client, make_ticket, world):
    from tests.factories.tickets import ReviewedTicketFactory

    stranger = SupportUserFactory(organization=None)
    org = world["people"]["mine"].organization
    ticket = ReviewedTicketFactory(requester=stranger, organization=org, account=org.account)
    body = page(csm_client, ticket)
    assert "Not entitled" in body and "no organization" in body


def test_it_explains_the_sla_per_plan_and_region(csm_client, make_ticket, world):
    world["mine"].support_level = SupportLevel.PRIORITY
    world["mine"].save()
    ticket = make_ticket(priority="high", preferred_region="europe_middle_east_africa", days_ago=0.01)
    body = page(csm_client, ticket)
    assert "Priority support, high priority: first reply within 4 hours." in body
    assert "Europe Middle East Africa" in body and "Europe/London" in body
    assert "portal&#x27;s estimate" in body or "portal's estimate" in body


def test_it_shows_the_review_with_quotes_guidance_and_the_rotate_prompt(csm_client, make_ticket):
    ticket = make_ticket(
        subject=f"Clone fails with {SECRET}",
        description=f"It doesn't work. Please call me. Token: {SECRET}",
        preferred_region="",
    )
    body = page(csm_client, ticket)
    assert "What to teach the customer" in body
    assert "Call requested in the first submission" in body and "Please call me." in body
    assert "Ask the customer to rotate it" in body and "revoke it and create a new one" in body
    assert "Try and avoid requesting a call during the initial ticket submission" in body  # handbook
    assert SECRET not in body
    assert "glpat-\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022" in body


def test_it_shows_the_timeline_with_attachments_masked_and_escaped(csm_client, make_ticket):
    ticket = make_ticket()
    agent = SupportUserFactory(role="agent", organization=None, name="Sam Support")
    CommentFactory(
        ticket=ticket,
        author=ticket.requester,
        created_at=ticket.zd_created_at,
        body="<b>bold</b> AKIAIOSFODNN7EXAMPLE",
        attachments=[
            {
                "file_name": "production.log",
                "content_url": "https://example.zendesk.com/attachments/1",
                "size": 2048,
            },
            {"file_name": "evil.png", "content_url": "javascript:alert(1)"},
        ],
    )
    CommentFactory(
        ticket=ticket,
        author=agent,
        body="Could you send the Sidekiq logs?",
        created_at=ticket.zd_created_at + dt.timedelta(hours=1),
    )
    CommentFactory(
        ticket=ticket,
        author=agent,
        public=False,
        body="internal: check Kibana",
        created_at=ticket.zd_created_at + dt.timedelta(hours=2),
    )
    ticket_reviews_refresh(ticket_ids=[ticket.pk])
    body = page(csm_client, ticket)
    assert "&lt;b&gt;bold&lt;/b&gt;" in body and "AKIAIOSFODNN7EXAMPLE" not in body
    assert 'href="https://example.zendesk.com/attachments/1"' in body and "2.0\xa0KB" in body
    assert "javascript:alert" not in body and "evil.png" in body
    assert "Sam Support" in body and "internal note" in body
    assert "Follow-up items not answered" in body


def test_an_unreviewed_ticket_says_so(csm_client, world):
    from tests.factories import TicketFactory

    ticket = TicketFactory(requester=world["people"]["mine"], zd_created_at=timezone.now())
    assert "Not reviewed yet" in page(csm_client, ticket)


def test_a_missing_ticket_is_404(csm_client, world):
    assert csm_client.get("/tickets/999999/").status_code == 404
