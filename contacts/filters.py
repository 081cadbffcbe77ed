"""The filter of an account's people list, shared by the page and its CSV export.

The people list is a merge of Salesforce contacts and Zendesk users built in memory (see
`contacts.selectors`), so this FilterSet filters a list of `Person` rows instead of a QuerySet.
"""

from typing import Any

import django_filters

from csmportal.filters import FastSelectFilterSet, InstanceFilter

from .selectors import Person, PersonStatus


class PeopleRows(list):
    """A list of Person rows with the little of the QuerySet interface a FilterSet touches."""

    model = None

    def all(self) -> "PeopleRows":
        return PeopleRows(self)


class PeopleFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(
        choices=PersonStatus.choices, method="by_status", label="Status", empty_label="Anyone"
    )
    role = django_filters.ChoiceFilter(
        choices=[("sold_to", "Sold-to contact"), ("developer", "CMP developer")],
        method="by_role",
        label="Role",
        empty_label="Any role",
    )
    # Of the person's Zendesk user, where more than one instance is configured.
    instance = InstanceFilter(method="by_instance")

    def __init__(self, data: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(data, queryset=PeopleRows(people), **kwargs)

    def filter_queryset(self, queryset: Any) -> PeopleRows:
        rows = queryset
        for name, value in self.form.cleaned_data.items():
            rows = self.filters[name].filter(rows, value)
        return PeopleRows(rows)

    def search(self, rows: list[Person], name: str, value: str) -> list[Person]:
        needle = value.strip().lower()
        if not needle:
            return rows
        return [
            p
            for p in rows
            if needle in p.name.lower()
            or needle in p.key
            or (p.contact is not None and needle in p.contact.title.lower())
        ]

    def by_instance(self, rows: list[Person], name: str, value: str) -> list[Person]:
        return [p for p in rows if p.user is not None and p.user.zd_instance == value]

    def by_status(self, rows: list[Person], name: str, value: str) -> list[Person]:
        return [p for p in rows if p.status == value]

    def by_role(self, rows: list[Person], name: str, value: str) -> list[Person]:
        if value == "sold_to":
            return [p for p in rows if p.is_sold_to]
        return [p for p in rows if p.is_developer]
