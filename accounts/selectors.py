"""Reads of customer accounts."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from tickets.models import OPEN_STATUSES
from users.roles import ALL_ROLES, require_role

from .models import Account


def account_list() -> QuerySet[Account]:
    return (
        Account.objects.select_related("csm")
        .annotate(
            open_tickets=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES), distinct=True),
            org_count=Count("organizations", distinct=True),
        )
        .order_by("name")
    )


def get_account_for_user(user: Any, pk: int) -> Account:
    """Every role may read any account; actions check more (see each service)."""
    require_role(user, *ALL_ROLES)
    return get_object_or_404(Account.objects.select_related("csm"), pk=pk)
