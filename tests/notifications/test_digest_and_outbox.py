"""The hourly digest, and the outbox mail backend of the demo."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from notifications.mail import OutboxBackend
from notifications.models import Delivery, EmailStatus, Notification, NotificationPreference, OutboxMessage
from notifications.rule import notifications_create_for_tickets
from notifications.tasks import send_digests

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest_csm(csm):
    NotificationPreference.objects.create(user=csm, delivery=Delivery.DIGEST)
    return csm


def test_the_hourly_task_sends_one_digest_listing_each_pending_ticket(digest_csm, new_ticket, other_csm):
    tickets = [new_ticket(subject=f"Problem {i}") for i in range(3)]
    notifications_create_for_tickets(ticket_ids=[t.pk for t in tickets])
    assert not mail.outbox  # nothing at once
    assert send_digests.delay().get()["digests"] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [digest_csm.email] and message.subject == "3 new tickets from your accounts"
    html = message.alternatives[0][0]
    for ticket in tickets:
        assert ticket.subject in message.body and ticket.subject in html
        assert ticket.agent_url in message.body and ticket.agent_url in html
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    send_digests.delay()
    assert len(mail.outbox) == 1  # nothing left for the next hour


def test_the_digest_leaves_out_what_was_already_read_in_the_portal(digest_csm, new_ticket):
    read, unread = new_ticket(subject="Already seen"), new_ticket(subject="Still new")
    notifications_create_for_tickets(ticket_ids=[read.pk, unread.pk])
    Notification.objects.filter(ticket=read).update(read_at="2026-01-01T00:00:00Z")
    send_digests.delay()
    assert len(mail.outbox) == 1
    assert "Still new" in mail.outbox[0].body and "Already seen" not in mail.outbox[0].body
    assert Notification.objects.get(ticket=read).email_status == EmailStatus.NOT_EMAILED


def test_nobody_gets_an_empty_digest(digest_csm):
    assert send_digests.delay().get() == {"digests": 0, "resent": 0, "outbox_pruned": 0}
    assert not mail.outbox


def test_the_outbox_backend_keeps_every_email_for_the_admins(settings, client, admin_user):
    settings.EMAIL_BACKEND = "notifications.mail.OutboxBackend"
    message = EmailMultiAlternatives(
        "Hello <there>",
        "Plain body",
        to=["a@example.com"],
        cc=["b@example.com"],
        headers={"X-CSM-Portal-Ticket": "7"},
    )
    message.attach_alternative("<p>Hi <script>alert(1)</script></p>", "text/html")
    assert message.send() == 1
    row = OutboxMessage.objects.get()
    assert (row.to, row.subject, row.body) == ("a@example.com, b@example.com", "Hello <there>", "Plain body")
    assert row.headers["X-CSM-Portal-Ticket"] == "7"
    client.force_login(admin_user)
    listing = client.get("/notifications/outbox/").content.decode()
    assert "Hello &lt;there&gt;" in listing
    detail = client.get(f"/notifications/outbox/{row.pk}/").content.decode()
    # The HTML is shown in a sandboxed frame (scripts off), from its own address.
    assert f'sandbox src="/notifications/outbox/{row.pk}/html/"' in detail
    assert "<script>alert(1)" not in detail
    html = client.get(f"/notifications/outbox/{row.pk}/html/")
    assert html.content.decode() == "<p>Hi <script>alert(1)</script></p>"
    # Its own policy: inline styles (emails need them), no script at all, framed by the portal only.
    policy = html["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "sandbox" in policy and "frame-ancestors 'self'" in policy and "script-src" not in policy
    assert html["X-Frame-Options"] == "SAMEORIGIN"


def test_outbox_is_an_email_url_scheme(tmp_path):
    import environ

    assert environ.Env.email_url_config("outbox://")["EMAIL_BACKEND"] == "notifications.mail.OutboxBackend"
    assert OutboxBackend().send_messages([]) == 0
