"""allauth's signals: a used password-reset link (the invitation is one), a confirmation link or
an SSO sign-up the provider vouched for proves the user's address."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, password_reset, user_signed_up
from django.dispatch import receiver

from .models import User
from .services import email_is_verified, password_reset_proves_email, user_email_verify
from .signals import email_changed


@receiver(password_reset, dispatch_uid="users.password_reset_verifies_email")
def on_password_reset(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if password_reset_proves_email(user):
        user_email_verify(user=user)


@receiver(email_confirmed, dispatch_uid="users.email_confirmed")
def on_email_confirmed(sender: Any, request: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    user = email_address.user
    if email_address.email.lower() == user.email.lower():
        email_changed.send(sender=User, user=user)


@receiver(user_signed_up, dispatch_uid="users.user_signed_up")
def on_user_signed_up(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    # An SSO sign-up whose provider vouched for the address is verified from the start.
    if email_is_verified(user):
        email_changed.send(sender=User, user=user)
