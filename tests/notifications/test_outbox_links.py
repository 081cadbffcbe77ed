"""The outbox never shows a link that lets its holder into someone's account (password reset,
invitation): another admin reading the Outbox page cannot take the account over."""

import logging
import re

import pytest
from django.contrib import admin
from django.core.mail import EmailMultiAlternatives

from notifications.mail import MASKED, mask_secret_links
from notifications.models import OutboxMessage
from users.models import User
from users.services import user_send_invitation

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/auth/password/reset/key/[^\s]+/)")


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "notifications.mail.OutboxBackend"


def pages_an_admin_sees(admin_user, row) -> str:
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    pages = [
        client.get("/notifications/outbox/"),
        client.get("/notifications/outbox/", headers={"HX-Request": "true"}),
        client.get(f"/notifications/outbox/{row.pk}/"),
    ]
    assert all(page.status_code == 200 for page in pages)
    return "".join(page.content.decode() for page in pages)


def test_a_password_reset_link_is_masked_and_the_demo_prints_it(
    outbox, settings, client, csm, admin_user, caplog
):
    settings.DEMO = True
    with caplog.at_level(logging.INFO, logger="notifications.mail"):
        assert client.post("/auth/password/reset/", {"email": csm.email}).status_code == 302
    row = OutboxMessage.objects.get()
    assert MASKED in row.body and "/auth/password/reset/key/" not in row.body + row.html
    # The demo's console has the link, for the person trying the demo.
    link = LINK.search(caplog.text).group(1)
    shown = pages_an_admin_sees(admin_user, row)
    assert link not in shown and link.split("/")[-2] not in shown
    assert "one-time link hidden" in shown

    # The printed link is the real one: its recipient chooses a new password with it.
    form = client.get(link, follow=True)
    action = form.redirect_chain[-1][0]
    client.post(action, {"password1": "a-brand-new-pass-7", "password2": "a-brand-new-pass-7"})
    csm.refresh_from_db()
    assert csm.check_password("a-brand-new-pass-7")


def test_an_invitation_link_is_masked_and_never_logged_outside_the_demo(
    outbox, admin_user, caplog, django_capture_on_commit_callbacks
):
    invitee = User.objects.create_user(email="invitee@example.com", name="Invitee")
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        user_send_invitation(user=invitee, invited_by=admin_user)
    row = OutboxMessage.objects.get()
    assert row.to == "invitee@example.com" and MASKED in row.body
    assert "/auth/password/reset/key/" not in row.body
    assert "/auth/password/reset/key/" not in caplog.text
    assert "/auth/password/reset/key/" not in pages_an_admin_sees(admin_user, row)


def test_the_html_part_is_masked_too_and_other_links_are_kept(outbox):
    reset = "http://testserver/auth/password/reset/key/3-c8a9bd-0123456789abcdef/"
    body = f"Choose a password: {reset}.\nThe ticket: http://testserver/tickets/7/"
    message = EmailMultiAlternatives("Links", body, to=["a@example.com"])
    message.attach_alternative(f'<a href="{reset}">Choose a password</a>', "text/html")
    message.send()
    row = OutboxMessage.objects.get()
    assert "c8a9bd" not in row.body + row.html
    assert "http://testserver/tickets/7/" in row.body
    assert f'<a href="{MASKED}">' in row.html


def test_it_masks_an_email_confirmation_link_and_keeps_plain_text():
    text, found = mask_secret_links("Confirm: https://portal.example/auth/confirm-email/MQ:1abc:xyz/ thanks")
    assert text == f"Confirm: {MASKED} thanks" and found == [
        "https://portal.example/auth/confirm-email/MQ:1abc:xyz/"
    ]
    assert mask_secret_links("No links here, only words.") == ("No links here, only words.", [])


def test_the_outbox_is_not_in_the_django_admin():
    """Only the masked Outbox page shows the emails; registering it in the admin needs the same care."""
    assert OutboxMessage not in admin.site._registry
