import django_filters
from django.db.models import Q, QuerySet

from accounts.models import Account
from csmportal.filters import CsmFilter

from .models import PreferredRegion, Priority, Status, Ticket


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    csm = CsmFilter(field_name="account__csm")
    account = django_filters.ModelChoiceFilter(
        queryset=Account.objects.order_by("name"), empty_label="Any account"
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    priority = django_filters.ChoiceFilter(choices=Priority.choices, empty_label="Any priority")
    preferred_region = django_filters.ChoiceFilter(
        choices=PreferredRegion.choices, label="Preferred region", empty_label="Any region"
    )

    class Meta:
        model = Ticket
        fields = ["q", "csm", "account", "status", "priority", "preferred_region"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().lstrip("#")
        if not value:
            return qs
        if value.isdigit():
            return qs.filter(zd_id=int(value))
        return qs.filter(Q(subject__icontains=value))
