"""One FilterSet per list: the person's notifications, the findings, the outbox."""

import django_filters
from django.db.models import Q, QuerySet

from csmportal.filters import FastSelectFilterSet, InstanceFilter

from .models import FindingReason


def _ticket_q(prefix: str, value: str) -> Q:
    if value.isdecimal():
        return Q(**{f"{prefix}zd_id": int(value)})
    return (
        Q(**{f"{prefix}subject__icontains": value})
        | Q(**{f"{prefix}account__name__icontains": value})
        | Q(**{f"{prefix}requester__name__icontains": value})
        | Q(**{f"{prefix}requester__email__icontains": value})
    )


def _ticket_search(qs: QuerySet, prefix: str, value: str) -> QuerySet:
    value = value.strip().lstrip("#")
    return qs.filter(_ticket_q(prefix, value)) if value else qs


class NotificationFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    state = django_filters.ChoiceFilter(
        choices=[("unread", "Unread"), ("read", "Read")], method="by_state", label="Show", empty_label="All"
    )
    instance = InstanceFilter(method="by_instance")  # where more than one instance is configured

    def by_instance(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """New tickets of that instance, and events naming it (an account's events name none)."""
        return qs.filter(Q(ticket__zd_instance=value) | Q(ticket__isnull=True, zd_instance=value))

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """New tickets by number, subject, account or requester; events by their line or account."""
        value = value.strip()
        if not value:
            return qs
        events = Q(summary__icontains=value) | Q(account__name__icontains=value)
        return qs.filter(_ticket_q("ticket__", value.lstrip("#")) | events)

    def by_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "unread":
            return qs.filter(read_at__isnull=True)
        if value == "read":
            return qs.filter(read_at__isnull=False)
        return qs


class FindingFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    reason = django_filters.ChoiceFilter(choices=FindingReason.choices, empty_label="Any reason")
    state = django_filters.ChoiceFilter(
        choices=[("open", "Not notified"), ("resolved", "Notified later"), ("all", "All")],
        method="by_state",
        label="Show",
        empty_label=None,
    )
    instance = InstanceFilter(field_name="ticket__zd_instance")  # where more than one is configured

    def __init__(self, data=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        if data is not None and not data.get("state"):
            data = data.copy()
            data["state"] = "open"
        super().__init__(data, *args, **kwargs)

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().lstrip("#")
        if value.isdecimal():
            return qs.filter(Q(ticket__zd_id=int(value)) | Q(ticket__zd_organization_id=int(value)))
        return _ticket_search(qs, "ticket__", value) if value else qs

    def by_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return qs.filter(resolved_at__isnull=True)
        if value == "resolved":
            return qs.filter(resolved_at__isnull=False)
        return qs


class OutboxFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(to__icontains=value) | Q(subject__icontains=value))
