"""Writes on the link between a Zendesk organization and its account."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..models import Organization
from ..permissions import can_confirm_organization_link
from ..recipients import organization_link_confirmed
from . import account_event_record


class LinkError(Exception):
    """The organization's link cannot be confirmed (it is linked to no account)."""


def organization_link_confirm(*, organization: Organization, user: Any) -> Organization:
    """Record that a person confirmed the org belongs to the account it is linked to now, so its
    people may get the account's emails (accounts.recipients). Idempotent: confirming a link that
    is already confirmed for the same account changes nothing and writes no second event."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        account = org.account
        if account is None:
            raise LinkError("This organization is not linked to any account, so there is nothing to confirm.")
        if not can_confirm_organization_link(user, account):
            raise PermissionDenied("Only the account's CSM or an admin can confirm an organization's link.")
        if organization_link_confirmed(org, account):
            return org
        org.link_confirmed_sf_id = account.sf_id
        org.link_confirmed_by = user
        org.link_confirmed_at = timezone.now()
        org.save(update_fields=["link_confirmed_sf_id", "link_confirmed_by", "link_confirmed_at"])
        account_event_record(
            account=account,
            actor=user,
            verb="organization.link_confirmed",
            summary=(
                f"Confirmed that the Zendesk organization “{org.name}” belongs to {account.name}: "
                "its people may now get the account's emails."
            ),
            detail={"organization": org.pk, "zd_id": org.zd_id, "salesforce_id": org.salesforce_id},
        )
    return org
