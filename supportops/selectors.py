"""Reads of support-ops requests."""

from typing import Any

from django.db.models import QuerySet

from users.roles import Role, has_role

from .models import OpsRequest


def requests_for_user(user: Any) -> QuerySet[OpsRequest]:
    """Support ops (and admins) see the whole queue; others see their own requests."""
    items = OpsRequest.objects.select_related("account", "requested_by", "claimed_by")
    if has_role(user, Role.SUPPORT_OPS):
        return items
    return items.filter(requested_by=user)
