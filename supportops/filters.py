"""The queue's one FilterSet, shared by the page and its CSV export."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from csmportal.filters import FastSelectFilterSet, InstanceFilter

from .models import ACTIVE_STATUSES, CLOSED_STATUSES, OpsRequest, RequestKind, RequestStatus

STATE_CHOICES = [
    ("active", "Active (not closed)"),
    *RequestStatus.choices,
    ("closed", "Closed (any)"),
    ("all", "All"),
]


class OpsRequestFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, method="filter_state", label="Status", empty_label=None
    )
    kind = django_filters.ChoiceFilter(
        choices=RequestKind.choices, label="Request", empty_label="Any request"
    )
    holder = django_filters.ChoiceFilter(
        choices=[("mine", "Claimed by me"), ("nobody", "Not claimed")],
        method="filter_holder",
        label="Claimed",
        empty_label="Anyone",
    )
    account = django_filters.NumberFilter(
        field_name="account_id", widget=django_filters.widgets.forms.HiddenInput
    )
    instance = InstanceFilter()  # its organization's, where more than one instance is configured

    class Meta:
        model = OpsRequest
        fields = ["q", "state", "kind", "holder", "account"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is None or not data.get("state"):
            data = data.copy() if data is not None else {}
            data["state"] = "active"  # the queue opens on what still needs someone
        super().__init__(data, *args, **kwargs)

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().lstrip("#")
        if not value:
            return qs
        if value.isdecimal():
            number = int(value)
            return qs.filter(
                Q(pk=number)
                | Q(zd_organization_id=number)
                | Q(requested_am_project_id=value)
                | Q(current_am_project_id=value)
            )
        return qs.filter(
            Q(account__name__icontains=value)
            | Q(organization__name__icontains=value)
            | Q(requested_by__name__icontains=value)
            | Q(requested_by__email__icontains=value)
        )

    def filter_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "active":
            return qs.filter(status__in=ACTIVE_STATUSES)
        if value == "closed":
            return qs.filter(status__in=CLOSED_STATUSES)
        if value in RequestStatus.values:
            return qs.filter(status=value)
        return qs

    def filter_holder(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "mine":
            return qs.filter(claimed_by=self.request.user if self.request else None)
        if value == "nobody":
            return qs.filter(claimed_by__isnull=True)
        return qs
