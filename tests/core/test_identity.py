"""Identity comes only from verified sources: nobody changes their own address, open sign-up
confirms the address first, SSO logs in an existing user only by a verified address and never
takes over a staff account. (Matching Salesforce users: tests/integrations/test_links.py.)"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.test import RequestFactory, override_settings

from tests.core.test_settings import run_manage
from users.models import User

pytestmark = pytest.mark.django_db

SIGNUP = {"password1": "a-long-password-1", "password2": "a-long-password-1"}


# -- nobody adds or changes their own address ----------------------------------------------------
def test_a_user_cannot_add_an_address_or_make_it_their_own(client, csm):
    """Tried as a logged-in user would, with allauth's email page: add a colleague's address
    and make it primary."""
    client.force_login(csm)
    added = client.post("/auth/email/", {"action_add": "", "email": "someone.else@example.com"})
    made_primary = client.post("/auth/email/", {"action_primary": "", "email": "someone.else@example.com"})
    assert added.status_code == made_primary.status_code == 405
    csm.refresh_from_db()
    assert csm.email == "csm@example.com"
    assert not EmailAddress.objects.filter(email__iexact="someone.else@example.com").exists()
    assert mail.outbox == []


def test_the_email_page_sends_people_to_their_profile_which_says_who_changes_it(client, csm):
    client.force_login(csm)
    response = client.get("/auth/email/", follow=True)
    assert response.redirect_chain[-1][0] == "/profile/"
    page = response.content.decode()
    assert "csm@example.com" in page and "an admin changes it" in page
    assert 'name="email"' not in page


def test_an_admin_changes_an_address_and_it_counts_once_its_owner_confirms_it(
    client, admin_user, csm, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    change = client.get(f"/admin/users/user/{csm.pk}/change/")
    assert change.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/users/user/{csm.pk}/change/",
            {
                "email": "casey.new@example.com",
                "name": csm.name,
                "time_zone": "UTC",
                "is_active": "on",
                "groups": list(csm.groups.values_list("pk", flat=True)),
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "00:00:00",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    address = EmailAddress.objects.get(user=csm)
    assert (address.email, address.verified) == ("casey.new@example.com", False)
    [confirmation] = mail.outbox
    assert confirmation.to == ["casey.new@example.com"]
    link = re.search(r"http://testserver(/auth/confirm-email/\S+/)", confirmation.body).group(1)
    client.logout()
    client.post(link)
    address.refresh_from_db()
    assert address.verified


# -- open sign-up ---------------------------------------------------------------------------------
def test_open_sign_up_makes_address_confirmation_mandatory():
    code = "from django.conf import settings; print(settings.ACCOUNT_EMAIL_VERIFICATION)"
    opened = run_manage("shell", "-c", code, DEBUG="true", ALLOWED_SIGNUP_DOMAINS="company.example")
    closed = run_manage("shell", "-c", code, DEBUG="true")
    said = [result.stdout.strip().splitlines()[-1:] for result in (opened, closed)]
    assert said == [["mandatory"], ["none"]], opened.stderr + closed.stderr


@override_settings(ALLOWED_SIGNUP_DOMAINS=["company.example"], ACCOUNT_EMAIL_VERIFICATION="none")
def test_sign_up_stays_closed_if_addresses_would_not_be_confirmed(client):
    client.post("/auth/signup/", {"email": "new.csm@company.example", **SIGNUP})
    assert not User.objects.filter(email="new.csm@company.example").exists()


@override_settings(ALLOWED_SIGNUP_DOMAINS=["company.example"], ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_open_sign_up_cannot_log_in_before_confirming_the_address(client):
    client.post("/auth/signup/", {"email": "new.csm@company.example", **SIGNUP})
    user = User.objects.get(email="new.csm@company.example")
    assert SESSION_KEY not in client.session
    client.post("/auth/login/", {"login": "new.csm@company.example", "password": SIGNUP["password1"]})
    assert SESSION_KEY not in client.session
    assert not EmailAddress.objects.get(user=user).verified

    link = re.search(r"http://testserver(/auth/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    assert mail.outbox[0].to == ["new.csm@company.example"]
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    client.post("/auth/login/", {"login": "new.csm@company.example", "password": SIGNUP["password1"]})
    assert client.session[SESSION_KEY] == str(user.pk)


# -- SSO ------------------------------------------------------------------------------------------
SSO = {
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


def sso_login(email: str, *, verified: bool):
    """What the company's identity provider says (its ID token's claims), through allauth's own
    login flow from there on."""
    request = RequestFactory().get("/auth/oidc/sso/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    with request_context(request):
        provider = get_social_adapter(request).get_provider(request, "sso")
        claims = {"sub": f"sub-{email}", "email": email, "email_verified": verified, "name": "Someone"}
        sociallogin = provider.sociallogin_from_response(request, claims)
        complete_social_login(request, sociallogin)
    return request


@override_settings(SOCIALACCOUNT_PROVIDERS=SSO)
def test_sso_logs_in_an_existing_user_by_a_verified_address(csm):
    request = sso_login("CSM@example.com", verified=True)
    assert request.session.get(SESSION_KEY) == str(csm.pk)
    assert SocialAccount.objects.get().user == csm


@override_settings(SOCIALACCOUNT_PROVIDERS=SSO)
def test_sso_does_not_connect_to_an_address_the_provider_has_not_verified(csm):
    request = sso_login("csm@example.com", verified=False)
    assert SESSION_KEY not in request.session
    assert not SocialAccount.objects.filter(user=csm).exists()


@override_settings(SOCIALACCOUNT_PROVIDERS=SSO)
def test_sso_never_connects_to_a_staff_or_admin_account_by_its_address(admin_user):
    request = sso_login("admin@example.com", verified=True)
    assert SESSION_KEY not in request.session
    assert not SocialAccount.objects.filter(user=admin_user).exists()


# -- users from before the rule ------------------------------------------------------------------
def test_existing_users_keep_working_and_self_added_addresses_are_not_trusted():
    """The data migration: users who have used the portal at an address no email flow touched
    are verified; a pending invitation, an address someone gave themselves, are not."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("users.migrations.0003_verify_existing_addresses")
    used = User.objects.create_user(email="Used.Portal@example.com", password="x" * 12)
    invited = User.objects.create_user(email="invited@example.com")  # no usable password yet
    invited.set_unusable_password()
    invited.save()
    self_made = User.objects.create_user(email="taken@example.com", password="x" * 12)
    EmailAddress.objects.create(user=self_made, email="taken@example.com", primary=True, verified=False)
    EmailAddress.objects.create(user=used, email="extra@example.com", primary=False, verified=False)

    migration.verify_existing(apps, None)

    assert list(EmailAddress.objects.filter(user=used).values_list("email", "verified", "primary")) == [
        ("used.portal@example.com", True, True)
    ]
    assert not EmailAddress.objects.filter(user=invited).exists()
    assert not EmailAddress.objects.get(user=self_made).verified


@override_settings(SOCIALACCOUNT_PROVIDERS=SSO)
def test_an_invited_person_who_logs_in_by_sso_is_proven_and_becomes_csm():
    from accounts.models import Account
    from tests.factories import AccountFactory
    from tests.factories.accounts import SalesforceUserFactory
    from users.services import email_is_verified

    sf_user = SalesforceUserFactory(email="jordan@company.example")
    AccountFactory(csm=None, csm_sf_user_id=sf_user.sf_id)
    invited = User.objects.create_user(email="jordan@company.example")  # no password, unproven

    request = sso_login("Jordan@company.example", verified=True)
    assert request.session.get(SESSION_KEY) == str(invited.pk)
    assert email_is_verified(invited)
    assert Account.objects.get().csm == invited
