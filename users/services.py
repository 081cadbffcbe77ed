"""Writes for portal users: invitations (there is no open sign-up)."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import User


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
