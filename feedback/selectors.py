"""Reads of forwarded feedback."""

from typing import Any

from django.db.models import QuerySet

from users.roles import Role, has_role

from .models import Feedback


def feedback_for_user(user: Any) -> QuerySet[Feedback]:
    """Managers (and admins) see the whole queue; others see what they forwarded."""
    items = Feedback.objects.select_related("account", "ticket", "forwarded_by", "reviewing_manager")
    if has_role(user, Role.SUPPORT_MANAGER):
        return items
    return items.filter(forwarded_by=user)
