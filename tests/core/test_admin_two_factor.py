"""Admins must use two-factor before any admin page or action works, and their sessions are
shorter (users.two_factor)."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils import timezone

from integrations.models import SyncState
from tests.conftest import _make_user
from tests.two_factor import give_totp, totp
from users.roles import Role

pytestmark = pytest.mark.django_db

SETUP = "/auth/2fa/totp/activate/"

# Everyone with admin rights: the Admin role, Django staff, a superuser.
ADMIN_KINDS = {
    "admin role": ((Role.ADMIN,), {}),
    "staff": ((), {"is_staff": True}),
    "superuser": ((), {"is_superuser": True}),
}


def admin_without_totp(kind: str = "admin role"):
    roles, extra = ADMIN_KINDS[kind]
    user = _make_user(f"{kind.replace(' ', '.')}@example.com", "An Admin", *roles, **extra)
    Authenticator.objects.filter(user=user).delete()  # the fixtures give every admin one
    return user


@pytest.mark.parametrize("kind", ADMIN_KINDS)
def test_an_admin_without_totp_is_sent_to_set_it_up_from_every_admin_page(client, kind):
    client.force_login(admin_without_totp(kind))
    for path in ("/admin/", "/admin/users/user/", "/notifications/outbox/", "/sync/", "/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, SETUP), path


def test_an_admin_without_totp_cannot_perform_an_admin_action(
    client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    Authenticator.objects.filter(user=admin_user).delete()
    client.force_login(admin_user)
    invitee = _make_user("invitee@example.com", "Invitee", Role.CSM)
    # The Django admin's "send the invitation again" and the portal's "Sync now".
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/users/user/", {"action": "resend_invitation", "_selected_action": [invitee.pk]}
        )
    assert (response.status_code, response["Location"]) == (302, SETUP)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/sync/run/", {"stream": "all"})
    assert (response.status_code, response["Location"]) == (302, SETUP)
    assert mailoutbox == [] and not SyncState.objects.filter(requested_at__isnull=False).exists()


def test_an_htmx_request_is_sent_to_the_set_up_page_as_a_whole(client):
    client.force_login(admin_without_totp())
    response = client.get("/sync/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == SETUP


def test_the_pages_that_set_it_up_still_open(client):
    client.force_login(admin_without_totp())
    assert client.get("/profile/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    # allauth asks for the password again before turning two-factor on: under /auth/ too.
    setup = client.get(SETUP, follow=True)
    assert setup.status_code == 200 and setup.redirect_chain[-1][0].startswith("/auth/")
    assert client.post("/auth/logout/").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_with_totp_the_admin_pages_and_actions_work(
    client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    assert Authenticator.objects.filter(user=admin_user, type=Authenticator.Type.TOTP).exists()
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/notifications/outbox/").status_code == 200
    invitee = _make_user("invitee@example.com", "Invitee", Role.CSM)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/users/user/", {"action": "resend_invitation", "_selected_action": [invitee.pk]}
        )
    assert response.status_code == 302 and response["Location"] != SETUP
    assert [m.to for m in mailoutbox] == [["invitee@example.com"]]


def test_other_roles_need_no_totp(csm_client, ops_client):
    assert csm_client.get("/tickets/").status_code == 200
    assert ops_client.get("/sync/").status_code == 200


def log_in(client, email: str, *, code: str | None = None):
    response = client.post(
        "/auth/login/", {"login": email, "password": "test-password-123", "remember": "on"}
    )
    if code is not None:
        assert response["Location"] == "/auth/2fa/authenticate/"
        response = client.post("/auth/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/", response
    return response


def expiry_hours(client) -> float:
    return client.session.get_expiry_age() / 3600


def test_an_admin_session_ends_twelve_hours_after_login(client, admin_user):
    response = log_in(client, admin_user.email, code=totp())
    assert expiry_hours(client) == pytest.approx(12, abs=0.01)
    assert response.cookies["sessionid"]["max-age"] == pytest.approx(12 * 3600, abs=5)
    # A fixed end, not one that moves with each request ("remember me" asked for two weeks).
    assert not client.session.get_expire_at_browser_close()
    end = client.session.get_expiry_date()
    client.get("/sync/")
    assert client.session.get_expiry_date() == end
    assert end - timezone.now() <= timedelta(hours=12)


def test_other_sessions_keep_the_default_length(client, csm):
    log_in(client, csm.email)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert expiry_hours(client) == 14 * 24


def test_the_admin_session_length_is_configurable(client, admin_user, settings):
    settings.ADMIN_SESSION_HOURS = 2
    log_in(client, admin_user.email, code=totp())
    assert expiry_hours(client) == pytest.approx(2, abs=0.01)


def test_a_role_given_during_a_session_shortens_it(client, csm):
    log_in(client, csm.email)
    csm.is_staff = True
    csm.save()
    give_totp(csm)
    client.get("/")
    assert expiry_hours(client) == pytest.approx(12, abs=0.01)
