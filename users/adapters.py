"""allauth adapters: sign-up is closed (admins invite) unless ALLOWED_SIGNUP_DOMAINS is set."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest


def email_domain_allowed(email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return bool(domain) and domain in settings.ALLOWED_SIGNUP_DOMAINS


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ALLOWED_SIGNUP_DOMAINS)

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
