"""allauth adapters: sign-up is closed (admins invite) unless ALLOWED_SIGNUP_DOMAINS is set, and
then only with a confirmed address; SSO never takes over a staff account by its email."""

from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest

from .roles import is_admin


def email_domain_allowed(email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return bool(domain) and domain in settings.ALLOWED_SIGNUP_DOMAINS


def email_confirmation_required() -> bool:
    return bool(account_settings.EMAIL_VERIFICATION == account_settings.EmailVerificationMethod.MANDATORY)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Open sign-up only with mandatory confirmation: a new account proves its address
        # before it can log in or be matched to anyone (settings derive one from the other).
        return bool(settings.ALLOWED_SIGNUP_DOMAINS) and email_confirmation_required()

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        # Only sign-up asks this adapter to clean a new address; existing users log in.
        if settings.ALLOWED_SIGNUP_DOMAINS and not email_domain_allowed(email):
            domains = ", ".join(settings.ALLOWED_SIGNUP_DOMAINS)
            raise forms.ValidationError(f"Sign-up is open to addresses at {domains} only.")
        return email


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """Company SSO may create an account only for an allowed domain."""
        email = (sociallogin.user.email or "") if sociallogin and sociallogin.user else ""
        return email_domain_allowed(email)

    def authenticate_by_email(self, sociallogin: Any) -> tuple[Any, str] | None:
        """An existing user, by an address the provider says is verified (allauth looks only at
        those); never a staff, superuser or Admin account: an admin connects SSO from their own
        login, so a provider cannot hand out the keys of the portal."""
        found = super().authenticate_by_email(sociallogin)
        if found is None:
            return None
        user, _email = found
        if user.is_staff or user.is_superuser or is_admin(user):
            return None
        return found

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """SSO vouches for an existing user's own address when it says it is verified (the
        invited person who logs in by SSO instead of setting a password is proven too)."""
        from .services import email_is_verified, user_email_verify

        user = sociallogin.user
        if not sociallogin.is_existing or not user.email:
            return
        vouched = {e.email.lower() for e in sociallogin.email_addresses if e.verified}
        if user.email.lower() in vouched and not email_is_verified(user):
            user_email_verify(user=user)
