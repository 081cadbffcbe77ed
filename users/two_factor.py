"""Admins and staff must use two-factor, and their sessions are shorter.

An admin (the Admin role, staff or superuser) without a TOTP authenticator can open only the
pages that set it up; every other page and action sends them to allauth's activation page.
Admins' sessions end a fixed time after login (ADMIN_SESSION_HOURS), whatever "remember me"
said: the cap is set when Django logs the user in, and checked again on every response, because
allauth applies "remember me" after its login signal and a role can be given during a session.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .roles import is_admin

SETUP_URL_NAME = "mfa_activate_totp"


def needs_two_factor(user: Any) -> bool:
    """Anyone with admin rights: the Admin role, Django staff or a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_staff or user.is_superuser or is_admin(user))


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@cache
def _open_prefixes() -> tuple[str, ...]:
    """What an admin without two-factor may still open: login, logout, two-factor set-up and
    password (all of allauth under /auth/), their profile, static files and /healthz."""
    auth = reverse("account_login").rsplit("/", 2)[0] + "/"  # /auth/
    return (auth, reverse("users:profile"), reverse("healthz"), settings.STATIC_URL)


def admin_session_limit() -> timedelta:
    return timedelta(hours=settings.ADMIN_SESSION_HOURS)


def cap_admin_session(request: HttpRequest) -> None:
    """End the session at most ADMIN_SESSION_HOURS from now, at a fixed time (not sliding)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    limit = admin_session_limit()
    fixed = isinstance(session.get("_session_expiry"), str)  # Django keeps a fixed time as ISO text
    if not fixed or session.get_expiry_age() > limit.total_seconds():
        session.set_expiry(limit)


@receiver(user_logged_in, dispatch_uid="users.two_factor.cap_on_login")
def cap_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and needs_two_factor(user):
        cap_admin_session(request)


class AdminTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            needs_two_factor(user)
            and not request.path_info.startswith(_open_prefixes())
            and not has_totp(user)
        ):
            return self.to_setup(request)
        response = self.get_response(request)
        if needs_two_factor(getattr(request, "user", None)):  # also right after logging in
            cap_admin_session(request)
        return response

    @staticmethod
    def to_setup(request: HttpRequest) -> HttpResponse:
        url = reverse(SETUP_URL_NAME)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        messages.warning(request, "Admins must turn on two-factor authentication before anything else.")
        return redirect(url)
