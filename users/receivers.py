"""allauth's signals: a used password-reset link (the invitation is one) or a confirmation link
proves the user's address."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, password_reset
from django.dispatch import receiver

from .models import User
from .services import password_reset_proves_email, user_email_verify
from .signals import email_verified


@receiver(password_reset, dispatch_uid="users.password_reset_verifies_email")
def on_password_reset(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if password_reset_proves_email(user):
        user_email_verify(user=user)


@receiver(email_confirmed, dispatch_uid="users.email_confirmed")
def on_email_confirmed(sender: Any, request: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    user = email_address.user
    if email_address.email.lower() == user.email.lower():
        email_verified.send(sender=User, user=user)
