import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from csmportal.filters import CsmFilter, FastSelectFilterSet

from .findings import Problem, problem_filter
from .models import Account, Organization, Region, SupportLevel
from .selectors import Onboarding

RENEWAL_CHOICES = [
    ("30", "Within 30 days"),
    ("90", "Within 90 days"),
    ("180", "Within 180 days"),
    ("past", "Overdue"),
]
PROBLEM_CHOICES = [("any", "Any problem"), ("none", "No problems"), *Problem.choices]


class AccountFilter(FastSelectFilterSet):
    """The portfolio's filters, shared by the page and its CSV export."""

    q = django_filters.CharFilter(method="search", label="Search")
    csm = CsmFilter(field_name="csm")
    support_level = django_filters.ChoiceFilter(
        choices=SupportLevel.choices, label="Plan", empty_label="Any plan"
    )
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label="Any region")
    onboarding = django_filters.ChoiceFilter(
        choices=Onboarding.CHOICES, label="Onboarding", empty_label="Any progress"
    )
    problem = django_filters.ChoiceFilter(
        choices=PROBLEM_CHOICES, method="by_problem", label="Data problems", empty_label="All accounts"
    )
    renewal = django_filters.ChoiceFilter(
        choices=RENEWAL_CHOICES, method="by_renewal", label="Renewal", empty_label="Any time"
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("renewal_date", "renewal"),
            ("seats", "seats"),
            ("open_tickets", "open_tickets"),
            ("progress", "progress"),
        ),
        field_labels={
            "name": "Name",
            "renewal_date": "Renewal date",
            "seats": "Seats",
            "open_tickets": "Open tickets",
            "progress": "Onboarding progress",
        },
        label="Sort by",
        empty_label="Name",
    )

    class Meta:
        model = Account
        fields = ["q", "csm", "support_level", "region", "onboarding", "problem", "renewal"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        orgs = Organization.objects.live().filter(account=OuterRef("pk"))
        org_match = Q(name__icontains=value)
        if value.isdecimal():
            org_match |= Q(zd_id=int(value))
        return qs.filter(Q(name__icontains=value) | Q(sf_id__iexact=value) | Exists(orgs.filter(org_match)))

    def by_problem(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(problem_filter(value))

    def by_renewal(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "past":
            return qs.filter(renewal_date__lt=today)
        return qs.filter(renewal_date__gte=today, renewal_date__lte=today + dt.timedelta(days=int(value)))
