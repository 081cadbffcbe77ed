"""Login by email, closed sign-up, invitations, rate limiting and company SSO."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from users.models import User

pytestmark = pytest.mark.django_db


def test_it_logs_in_with_email_and_password(client, csm):
    response = client.post("/auth/login/", {"login": "CSM@example.com", "password": "test-password-123"})
    assert response.status_code == 302
    assert client.get("/tickets/").status_code == 200


def test_it_rejects_a_wrong_password_with_a_clear_error(client, csm):
    response = client.post("/auth/login/", {"login": csm.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/tickets/").status_code == 302


def test_it_locks_out_repeated_failures_for_an_account(client, csm):
    for _ in range(5):
        client.post("/auth/login/", {"login": csm.email, "password": "wrong-password"})
    response = client.post("/auth/login/", {"login": csm.email, "password": "test-password-123"})
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/tickets/").status_code == 302


def test_it_has_no_open_sign_up(client):
    page = client.get("/auth/signup/")
    assert "closed" in page.content.decode().lower()
    client.post(
        "/auth/signup/",
        {
            "email": "someone@anywhere.example",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert not User.objects.filter(email="someone@anywhere.example").exists()


@override_settings(ALLOWED_SIGNUP_DOMAINS=["company.example"], ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_it_opens_sign_up_to_allowed_domains_only(client):  # what settings derive from the list
    refused = client.post(
        "/auth/signup/",
        {
            "email": "outsider@other.example",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert "open to addresses at company.example only" in refused.content.decode()
    assert not User.objects.filter(email="outsider@other.example").exists()
    client.post(
        "/auth/signup/",
        {
            "email": "new.csm@company.example",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert User.objects.filter(email="new.csm@company.example").exists()


def test_it_invites_a_user_who_then_chooses_a_password(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/users/user/add/",
            {"email": "invitee@company.example", "name": "New CSM", "roles": ["CSM"]},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitee = User.objects.get(email="invitee@company.example")
    assert not invitee.has_usable_password()
    assert list(invitee.groups.values_list("name", flat=True)) == ["CSM"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["invitee@company.example"]
    link = re.search(r"http://testserver(/auth/password/reset/key/\S+)", mail.outbox[0].body).group(1)

    client.logout()
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(action, {"password1": "chosen-password-42", "password2": "chosen-password-42"})
    assert (
        client.post(
            "/auth/login/", {"login": "invitee@company.example", "password": "chosen-password-42"}
        ).status_code
        == 302
    )
    assert client.get("/").status_code == 200  # the CSM's home page


def test_it_hides_sso_unless_configured(client):
    assert "Log in with" not in client.get("/auth/login/").content.decode()


@override_settings(
    SOCIALACCOUNT_PROVIDERS={
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Company SSO",
                    "client_id": "portal",
                    "secret": "s",
                    "settings": {"server_url": "https://sso.company.example"},
                }
            ]
        }
    }
)
def test_it_shows_company_sso_on_the_login_page_when_configured(client):
    page = client.get("/auth/login/").content.decode()
    assert "Log in with Company SSO" in page
    assert 'action="/auth/oidc/sso/login/' in page
