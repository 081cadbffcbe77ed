"""A ticket's address in the portal is Zendesk's ticket number (`/tickets/1854/`): the link in the
new-ticket email opens that page, and the addresses emailed before (the portal's own id) still
reach their ticket."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from notifications.models import Notification
from notifications.rule import notifications_create_for_tickets
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def email_portal_link(ticket, django_capture_on_commit_callbacks) -> str:
    """The path of the portal link in the new-ticket email the CSM receives for `ticket`."""
    with django_capture_on_commit_callbacks(execute=True):
        soon = ticket.zd_created_at + dt.timedelta(seconds=5)
        notifications_create_for_tickets(ticket_ids=[ticket.pk], now=soon)
    (message,) = mail.outbox
    links = [urlsplit(u) for u in re.findall(r"https?://\S+", message.body)]
    (link,) = [u for u in links if u.netloc == "portal.example.com" and u.path.startswith("/tickets/")]
    return link.path


def test_the_emails_ticket_link_opens_the_ticket_at_its_zendesk_number(
    csm_client, new_ticket, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example.com"
    ticket = new_ticket(zd_id=1854, subject="Runner cannot reach the registry", zd_created_at=timezone.now())
    path = email_portal_link(ticket, django_capture_on_commit_callbacks)
    assert path == "/tickets/1854/"
    page = csm_client.get(path)
    assert page.status_code == 200 and "Runner cannot reach the registry" in page.content.decode()


def test_an_address_with_the_portals_own_id_redirects_to_the_zendesk_number(csm_client, new_ticket):
    ticket = new_ticket(zd_id=987654)
    assert not Ticket.objects.filter(zd_id=ticket.pk).exists()
    old = csm_client.get(f"/tickets/{ticket.pk}/")  # the link in an email sent before
    assert old.status_code == 302 and old["Location"] == "/tickets/987654/"
    explicit = csm_client.get(f"/tickets/id/{ticket.pk}/")
    assert explicit.status_code == 301 and explicit["Location"] == "/tickets/987654/"
    assert csm_client.get(old["Location"]).status_code == 200


def test_a_number_that_is_no_ticket_is_not_found(csm_client, new_ticket):
    ticket = new_ticket(zd_id=555001)
    missing = max(ticket.pk, ticket.zd_id) + 1000
    assert csm_client.get(f"/tickets/{missing}/").status_code == 404
    assert csm_client.get(f"/tickets/id/{missing}/").status_code == 404


def test_a_user_without_a_role_gets_no_redirect_that_would_reveal_a_ticket(client, no_role_user, new_ticket):
    ticket = new_ticket(zd_id=555002)
    client.force_login(no_role_user)
    for path in (f"/tickets/{ticket.zd_id}/", f"/tickets/{ticket.pk}/", f"/tickets/id/{ticket.pk}/"):
        assert client.get(path).status_code == 403, path


def test_when_an_old_emails_number_is_now_another_tickets_the_page_links_the_emailed_one(
    csm, csm_client, other_csm, new_ticket
):
    emailed = new_ticket(zd_id=777001, subject="The ticket the old email was about")
    Notification.objects.create(ticket=emailed, recipient=csm)
    now_at_that_number = new_ticket(zd_id=emailed.pk, subject="A newer Zendesk ticket")
    body = csm_client.get(f"/tickets/{emailed.pk}/").content.decode()
    assert "A newer Zendesk ticket" in body  # the address means the Zendesk number first
    assert 'href="/tickets/777001/"' in body and "The ticket the old email was about" in body
    assert "Came from an older email" in body
    colleague = Client()
    colleague.force_login(other_csm)  # was not emailed about it: no note
    theirs = colleague.get(f"/tickets/{now_at_that_number.zd_id}/").content.decode()
    assert "A newer Zendesk ticket" in theirs and "Came from an older email" not in theirs
