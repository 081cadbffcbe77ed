"""Invite the Salesforce CSMs who have no portal login yet (People to invite).

The invitation goes to the address Salesforce has for them. Nothing is linked at invite time:
the person becomes CSM of their accounts when they set their password from the emailed link,
which proves the address (users.services.user_email_verify, integrations.receivers)."""

from typing import Any

from django.core.exceptions import ValidationError

from users.models import User
from users.roles import Role
from users.services import email_is_verified, user_invite, user_send_invitation

from ..models import SalesforceUser


def csm_invite(*, sf_user: SalesforceUser, invited_by: Any) -> User:
    """Invite the Salesforce user as a CSM, or send the invitation again to their unproven login."""
    if not sf_user.email:
        raise ValidationError(f"{sf_user.name} has no email address in Salesforce.")
    if not sf_user.is_active:
        raise ValidationError(f"{sf_user.name} is inactive in Salesforce.")
    existing = User.objects.filter(email__iexact=sf_user.email).first()
    if existing is None:
        return user_invite(email=sf_user.email, name=sf_user.name, roles=[Role.CSM], invited_by=invited_by)
    if email_is_verified(existing):
        raise ValidationError(f"{existing.email} already has a portal login; it is matched at the next sync.")
    user_send_invitation(user=existing, invited_by=invited_by)
    return existing
