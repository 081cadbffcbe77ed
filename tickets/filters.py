"""The tickets dashboard's one FilterSet: shared by the page and its CSV export."""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple, cast

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Account
from csmportal import compiled
from csmportal.filters import CsmFilter, FastSelectFilterSet, InstanceFilter, csm_choices
from csmportal.widgets import FastSelect

from . import sla
from .links import OPEN_FILTER
from .models import PreferredRegion, Priority, SlaState, Status, Ticket, TicketGap, TicketQuerySet
from .review.checks import GAP_CHOICES

UNSOLVED = OPEN_FILTER
# "Open" is the portal's one meaning (not solved, closed or deleted: Ticket.objects.open()); a
# single Zendesk status says so, so Zendesk's own "Open" is not taken for it.
STATUS_CHOICES = [
    (UNSOLVED, "Open (new, open, pending or on hold)"),
    *((value, f"Zendesk status: {label}") for value, label in Status.choices),
]
REGION_CHOICES = [*PreferredRegion.choices, ("none", "Not chosen")]
SLA_CHOICES = [
    (SlaState.DUE, "First reply due"),
    (SlaState.BREACHED, "Breached"),
    (SlaState.MET, "Replied in time"),
    ("none", "No SLA"),
]
SORTS = {
    "opened": ("Newest first", [F("zd_created_at").desc(), F("pk").desc()]),
    "oldest": ("Oldest first", [F("zd_created_at").asc(), F("pk").asc()]),
    "updated": ("Recently updated", [F("zd_updated_at").desc(), F("pk").desc()]),
    "score": ("Lowest score first", [F("quality_score").asc(nulls_last=True), F("zd_created_at").desc()]),
    "sla": ("First reply due soonest", [F("sla_due_at").asc(nulls_last=True), F("pk").asc()]),
}
MIN_SEARCH = 3
# A select with every account only while the list stays short; beyond that, choose a CSM first.
ACCOUNT_CHOICES_LIMIT = 300


class TicketCsmFilter(CsmFilter):
    """The CSM scope, as the list of the scope's account IDs when the form has read it (at most
    ACCOUNT_CHOICES_LIMIT): `account_id IN (...)` lets PostgreSQL combine one scan of the
    account index with the other filters, where a join to accounts is planned per account."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        ids = getattr(self.parent, "scope_account_ids", None)
        if value not in (None, "", "any") and ids is not None:
            return qs.filter(account_id__in=ids)
        return super().filter(qs, value)


class SelectedAccount(NamedTuple):
    pk: int
    name: str


class TicketFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Subject or #number"}),
    )
    csm = TicketCsmFilter(field_name="account__csm", choices=csm_choices, widget=FastSelect)
    instance = InstanceFilter(widget=FastSelect)  # where more than one instance is configured
    account = django_filters.ModelChoiceFilter(
        queryset=Account.objects.live(), empty_label="Any account", widget=FastSelect
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label="Any status", widget=FastSelect
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, empty_label="Any priority", widget=FastSelect
    )
    preferred_region = django_filters.ChoiceFilter(
        choices=REGION_CHOICES,
        method="filter_region",
        label="Preferred region",
        empty_label="Any region",
        widget=FastSelect,
    )
    opened = django_filters.DateFromToRangeFilter(
        field_name="zd_created_at",
        label="Opened between",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    sla = django_filters.ChoiceFilter(
        choices=SLA_CHOICES, method="filter_sla", label="SLA", empty_label="Any SLA", widget=FastSelect
    )
    finding = django_filters.ChoiceFilter(
        choices=GAP_CHOICES,
        method="filter_finding",
        label="Best-practice finding",
        empty_label="Any finding",
        widget=FastSelect,
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="filter_sort",
        label="Sort",
        empty_label=None,
        widget=FastSelect,
    )

    class Meta:
        model = Ticket
        fields = ["q", "csm", "account", "status", "priority", "preferred_region", "opened", "sla", "finding"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_choices_limited = False
        self.selected_account: SelectedAccount | None = None
        self.scope_account_ids: list[int] | None = None

    # -- filters -----------------------------------------------------------------------

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if value.startswith("#") and value[1:].isdecimal():
            return qs.filter(zd_id=int(value[1:]))
        if value.isdecimal():
            by_number = Q(zd_id=int(value))
            return (
                qs.filter(by_number | Q(subject__icontains=value))
                if len(value) >= MIN_SEARCH
                else qs.filter(by_number)
            )
        return qs.filter(subject__icontains=value)

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return cast(TicketQuerySet, qs).open() if value == UNSOLVED else qs.filter(status=value)

    def filter_region(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(preferred_region="") if value == "none" else qs.filter(preferred_region=value)

    def filter_sla(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(sla.state_q(SlaState.NONE if value == "none" else value, timezone.now()))

    def filter_finding(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Exists(TicketGap.objects.filter(ticket=OuterRef("pk"), code=value)))

    def filter_sort(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.order_by(*SORTS.get(value, SORTS["opened"])[1])

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Deleted tickets stay out of the list unless asked for by status.
        if self.form.cleaned_data.get("status") != Status.DELETED:
            queryset = queryset.exclude(status=Status.DELETED)
        return super().filter_queryset(queryset)

    # -- form --------------------------------------------------------------------------

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            self._limit_account_choices(form)
        return self._form

    def _limit_account_choices(self, form: forms.Form) -> None:
        """Offer the accounts of the chosen CSM scope (a short list), plus the selected one."""
        field = form.fields["account"]
        csm = form.data.get("csm") if form.is_bound else None
        user = getattr(self.request, "user", None)
        narrowed = True
        if csm == "mine" and user is not None and user.is_authenticated:
            accounts = _scope_accounts("csm", user.pk)
        elif csm == "none":
            accounts = _scope_accounts("none")
        elif csm and str(csm).isdecimal():
            accounts = _scope_accounts("csm", int(csm))
        else:
            narrowed = False
            accounts = _scope_accounts("any")
        self.account_choices_limited = len(accounts) > ACCOUNT_CHOICES_LIMIT
        if self.account_choices_limited:
            accounts = []
        elif narrowed:
            self.scope_account_ids = [pk for pk, _name in accounts]
        selected = form.data.get("account") if form.is_bound else None
        if selected and str(selected).isdecimal():
            chosen = next((a for a in accounts if a[0] == int(selected)), None)
            if chosen is None:
                chosen = Account.objects.filter(pk=int(selected)).values_list("pk", "name").first()
                if chosen is not None:
                    accounts.insert(0, chosen)
            self.selected_account = SelectedAccount(*chosen) if chosen else None
        empty = "Any account (choose a CSM to list theirs)" if self.account_choices_limited else "Any account"
        field.widget.choices = [("", empty), *accounts]
        form.fields["q"].validators.append(_min_length_unless_number(MIN_SEARCH))


def _scope_query(scope: str, csm: int | None = None) -> QuerySet:
    accounts = Account.objects.live()
    if scope == "csm":
        accounts = accounts.filter(csm_id=csm)
    elif scope == "none":
        accounts = accounts.filter(csm__isnull=True)
    return accounts.order_by("name").values("pk", "name")[: ACCOUNT_CHOICES_LIMIT + 1]


def _scope_accounts(scope: str, csm: int | None = None) -> list[tuple[int, str]]:
    """(pk, name) of the live accounts of a CSM scope ("csm" and the CSM's id, "none", "any"),
    by name, at most ACCOUNT_CHOICES_LIMIT + 1: the query is compiled once per process and
    scope (`csmportal.compiled`)."""
    marks = {"csm": compiled.USER_MARK} if scope == "csm" else {}
    values = {"csm": csm} if scope == "csm" else {}
    rows = compiled.values_rows(
        f"tickets.scope_accounts.{scope}", None, partial(_scope_query, scope), marks, values
    )
    return [(row["pk"], row["name"]) for row in rows]


def _min_length_unless_number(minimum: int) -> Any:
    def check(value: str) -> None:
        value = (value or "").strip().lstrip("#")
        if value and not value.isdecimal() and len(value) < minimum:
            raise forms.ValidationError(f"Type at least {minimum} characters, or a ticket number.")

    return check
