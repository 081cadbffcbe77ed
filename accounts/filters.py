import django_filters
from django.db.models import Q, QuerySet

from csmportal.filters import CsmFilter

from .models import Account, Region, SupportLevel


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    csm = CsmFilter(field_name="csm")
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label="Any region")
    support_level = django_filters.ChoiceFilter(
        choices=SupportLevel.choices, label="Plan", empty_label="Any plan"
    )

    class Meta:
        model = Account
        fields = ["q", "csm", "region", "support_level"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value) | Q(sf_id__iexact=value) | Q(organizations__name__icontains=value)
        ).distinct()
