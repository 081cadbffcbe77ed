"""One FilterSet per list (the page and its CSV export share it)."""

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from csmportal.filters import CsmFilter, FastSelectFilterSet, InstanceFilter, default_csm_scope

from .models import OPEN_FEEDBACK, RATED_SCORES, Feedback, FeedbackStatus, Rating, Score, Sentiment
from .rotation import manager_rows

STATUS_CHOICES = [("open", "Open (not closed)"), *FeedbackStatus.choices, ("all", "Any status")]
DUE_CHOICES = [("overdue", "Overdue"), ("soon", "Due within a day"), ("waiting", "Awaiting first response")]


def manager_choices() -> list[tuple[str, str]]:
    # Each manager as `str(user)` writes them (the name, else the email), without a model each.
    return [("mine", "Mine"), ("unassigned", "Unassigned")] + [
        (str(row["pk"]), row["name"] or row["email"]) for row in manager_rows()
    ]


def default_queue_scope(data: Any, *, manager: bool) -> Any:
    """Managers open the queue on open items; CSMs on everything they forwarded."""
    if data is not None and "status" in data:
        return data
    data = data.copy() if data is not None else {}
    data["status"] = "open" if manager else "all"
    return data


def search_feedback(qs: QuerySet, value: str) -> QuerySet:
    value = value.strip()
    if not value:
        return qs
    number = value.lstrip("#")
    if number.isdecimal():
        return qs.filter(Q(zd_ticket_id=int(number)) | Q(pk=int(number)))
    return qs.filter(
        Q(account__name__icontains=value)
        | Q(customer_words__icontains=value)
        | Q(csm_context__icontains=value)
        | Q(summary__icontains=value)
        | Q(outcome__icontains=value)
        | Q(forwarded_by__name__icontains=value)
    )


class FeedbackFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="by_status", label="Status", empty_label=None
    )
    manager = django_filters.ChoiceFilter(
        choices=manager_choices, method="by_manager", label="Reviewing manager", empty_label="Any manager"
    )
    sentiment = django_filters.ChoiceFilter(choices=Sentiment.choices, empty_label="Any sentiment")
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="by_due", label="Due", empty_label="Any")
    account = django_filters.NumberFilter(field_name="account_id", widget=forms.HiddenInput)
    instance = InstanceFilter(method="by_instance")  # where more than one instance is configured

    class Meta:
        model = Feedback
        fields = ["q", "status", "manager", "sentiment", "due", "account"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return search_feedback(qs, value)

    def by_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return qs.filter(status__in=OPEN_FEEDBACK)
        if value in FeedbackStatus.values:
            return qs.filter(status=value)
        return qs

    def by_instance(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Items about a ticket of that instance (an item naming no ticket is about none)."""
        return qs.filter(zd_instance=value).filter(Q(ticket__isnull=False) | Q(zd_ticket_id__isnull=False))

    def by_manager(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "mine":
            return qs.filter(reviewing_manager=self.request.user if self.request else None)
        if value == "unassigned":
            return qs.filter(reviewing_manager__isnull=True)
        if value and value.isdecimal():
            return qs.filter(reviewing_manager_id=int(value))
        return qs

    def by_due(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        now = timezone.now()
        waiting = qs.filter(first_responded_at__isnull=True).exclude(status=FeedbackStatus.CLOSED)
        if value == "overdue":
            return waiting.filter(first_response_due_at__lt=now)
        if value == "soon":
            return waiting.filter(
                first_response_due_at__gte=now, first_response_due_at__lt=now + dt.timedelta(days=1)
            )
        if value == "waiting":
            return waiting
        return qs


PERIOD_CHOICES = [
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last 12 months"),
    ("all", "All time"),
]
SCORE_CHOICES = [
    (Score.GOOD.value, "Good"),
    (Score.BAD.value, "Bad"),
    (Score.OFFERED.value, "Offered, no answer"),
]


def default_ratings_scope(data: Any, request: Any) -> Any:
    """Ratings open on the last 90 days of the CSM's own accounts (everyone else: all accounts)."""
    data = default_csm_scope(data, request)
    if "period" not in data:
        data = data.copy()
        data["period"] = "90"
    return data


class RatingFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    csm = CsmFilter(field_name="account__csm")
    score = django_filters.ChoiceFilter(
        choices=SCORE_CHOICES, method="by_score", label="Score", empty_label="Good or bad"
    )
    commented = django_filters.ChoiceFilter(
        choices=[("yes", "With a comment"), ("no", "Without a comment")],
        method="by_commented",
        label="Comment",
        empty_label="With or without",
    )
    period = django_filters.ChoiceFilter(
        choices=PERIOD_CHOICES, method="by_period", label="Period", empty_label=None
    )
    account = django_filters.NumberFilter(field_name="account_id", widget=forms.HiddenInput)
    instance = InstanceFilter()  # where more than one instance is configured

    class Meta:
        model = Rating
        fields = ["q", "csm", "score", "commented", "period", "account"]

    @property
    def qs(self) -> QuerySet:
        qs = super().qs
        if not (self.form.is_valid() and self.form.cleaned_data.get("score")):
            qs = qs.filter(score__in=RATED_SCORES)
        return qs

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        number = value.lstrip("#")
        if number.isdecimal():
            return qs.filter(zd_ticket_id=int(number))
        if not value:
            return qs
        return qs.filter(
            Q(comment__icontains=value) | Q(reason__icontains=value) | Q(account__name__icontains=value)
        )

    def by_score(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(score=value) if value else qs

    def by_commented(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return qs.exclude(comment="")
        if value == "no":
            return qs.filter(comment="")
        return qs

    def by_period(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value and value.isdecimal():
            return qs.filter(zd_created_at__gte=timezone.now() - dt.timedelta(days=int(value)))
        return qs

    def since(self) -> dt.datetime | None:
        value = self.form.cleaned_data.get("period") if self.form.is_valid() else "90"
        return timezone.now() - dt.timedelta(days=int(value)) if value and value.isdecimal() else None
