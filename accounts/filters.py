import datetime as dt
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from csmportal.filters import CsmFilter, FastSelectFilterSet, InstanceFilter
from csmportal.widgets import FastSelect

from .findings import Problem, problem_filter
from .models import Account, Organization, Region, SupportLevel
from .selectors import Onboarding, with_portfolio_columns

RENEWAL_CHOICES = [
    ("30", "Within 30 days"),
    ("90", "Within 90 days"),
    ("180", "Within 180 days"),
    ("past", "Overdue"),
]
PROBLEM_CHOICES = [("any", "Any problem"), ("none", "No problems"), *Problem.choices]
PROJECT_ID_CHOICES = [
    ("missing_or_invalid", "Missing or not a project ID"),
    ("missing", "Missing"),
    ("invalid", "Not a project ID"),
]
# A collaboration project (AM) ID is a GitLab project's numeric ID (accounts.links.PROJECT_ID).
PROJECT_ID_SQL = r"^[0-9]{1,12}$"
# Filters and sort orders that read the portfolio's computed columns (selectors.portfolio_columns).
COMPUTED_FILTERS = ("onboarding", "problem")
COMPUTED_ORDER = ("open_tickets", "progress")


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
    project_id = django_filters.ChoiceFilter(
        choices=PROJECT_ID_CHOICES,
        method="by_project_id",
        label="Collaboration project ID",
        empty_label="Any",
    )
    renewal = django_filters.ChoiceFilter(
        choices=RENEWAL_CHOICES, method="by_renewal", label="Renewal", empty_label="Any time"
    )
    # Accounts with an organization in that instance (where more than one is configured).
    instance = InstanceFilter(method="by_instance", label="Zendesk instance")
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
        widget=FastSelect,  # its options written in Python, as the other filters' (csmportal.widgets)
    )

    class Meta:
        model = Account
        fields = ["q", "csm", "support_level", "region", "onboarding", "problem", "project_id", "renewal"]

    def _user(self) -> Any:
        """Whose organizations the filters read (docs/instances.md, Access)."""
        return getattr(self.request, "user", None)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """The computed columns (as the user sees them) join the query only when a filter or the
        sort order reads them."""
        data = self.form.cleaned_data
        ordering = [str(name).lstrip("-") for name in data.get("ordering") or []]
        if any(data.get(name) for name in COMPUTED_FILTERS) or set(ordering) & set(COMPUTED_ORDER):
            queryset = with_portfolio_columns(queryset, self._user())
        return super().filter_queryset(queryset)

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        orgs = Organization.objects.live().visible_to(self._user()).filter(account=OuterRef("pk"))
        org_match = Q(name__icontains=value)
        if value.isdecimal():
            org_match |= Q(zd_id=int(value))
        return qs.filter(Q(name__icontains=value) | Q(sf_id__iexact=value) | Exists(orgs.filter(org_match)))

    def by_problem(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(problem_filter(value))

    def by_project_id(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Accounts with a linked organization whose collaboration project ID is empty (missing),
        or set to something that is not a project's numeric ID (a URL, "TBD", " 123 ")."""
        missing = Q(am_project_id__regex=r"^\s*$")
        invalid = ~missing & ~Q(am_project_id__regex=PROJECT_ID_SQL)
        wanted = {"missing": missing, "invalid": invalid}.get(value, missing | invalid)
        orgs = (
            Organization.objects.live().visible_to(self._user()).filter(account=OuterRef("pk")).filter(wanted)
        )
        return qs.filter(Exists(orgs))

    def by_instance(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """An account's organizations can span instances: those with one (live) in `value`."""
        return qs.filter(
            Exists(Organization.objects.live().filter(account=OuterRef("pk"), zd_instance=value))
        )

    def by_renewal(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "past":
            return qs.filter(renewal_date__lt=today)
        return qs.filter(renewal_date__gte=today, renewal_date__lte=today + dt.timedelta(days=int(value)))
