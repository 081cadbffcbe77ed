"""Writes for portal users: invitations, and the proof that a user's address is theirs.

A user's address (``User.email``) is verified when an allauth ``EmailAddress`` row for it says so;
only a verified address matches the person to a Salesforce user (integrations.links)."""

from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.core.context import request_context
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import User
from .signals import email_changed


def invite_link(user: User) -> str:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return f"{settings.SITE_URL}{path}"


def user_invite(*, email: str, name: str, roles: list[str], invited_by: User | None) -> User:
    """Create a user without a password and email them a link to choose one."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, name=name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=roles))
    user_send_invitation(user=user, invited_by=invited_by)
    return user


def user_send_invitation(*, user: User, invited_by: User | None) -> None:
    context = {"user": user, "link": invite_link(user), "invited_by": invited_by}
    transaction.on_commit(
        lambda: send_mail(
            subject="You are invited to the CSM Portal",
            message=render_to_string("users/invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    )


def email_is_verified(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def user_email_verify(*, user: User) -> None:
    """The user's own address is proven (they used a link sent to it): record it, and let the
    portal match them by it (the CSM of their Salesforce accounts is set at once)."""
    with transaction.atomic():
        EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=user.email).update(
            primary=False
        )
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            address = EmailAddress(user=user, email=user.email.lower())
        address.verified = True
        address.primary = True
        address.save()
        email_changed.send(sender=User, user=user)


def user_email_changed(*, user: User, request: Any) -> None:
    """An admin changed the user's address: it is the user's only one, unverified until the user
    follows the confirmation link sent to it. The old address's matches end now."""
    with transaction.atomic():
        EmailAddress.objects.filter(user=user).delete()
        address = EmailAddress.objects.create(
            user=user, email=user.email.lower(), primary=True, verified=False
        )
        email_changed.send(sender=User, user=user)
        transaction.on_commit(lambda: _send_confirmation(address, request))


def _send_confirmation(address: EmailAddress, request: Any) -> None:
    with request_context(request):  # allauth's mail reads the request from its context
        address.send_confirmation(request)


def password_reset_proves_email(user: User) -> bool:
    """A completed password reset proves the address the link was mailed to. The portal keeps
    one address per user (people cannot add others), so that is ``User.email`` unless older
    extra addresses are on file: then nothing is assumed."""
    others = EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email)
    return not others.exists()
