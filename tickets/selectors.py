"""Reads of tickets."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from users.roles import ALL_ROLES, require_role

from .models import Ticket


def ticket_list() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("account", "requester", "organization").order_by("-zd_created_at")


def get_ticket_for_user(user: Any, pk: int) -> Ticket:
    require_role(user, *ALL_ROLES)
    return get_object_or_404(
        Ticket.objects.select_related("account", "account__csm", "organization", "requester"), pk=pk
    )
