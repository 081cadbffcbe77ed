"""Filters shared by several lists."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from users.roles import Role, user_roles

from . import instances
from .widgets import FastSelect


def csm_choices() -> list[tuple[str, str]]:
    """Scopes, then every active CSM (read as plain tuples: lists show hundreds)."""
    from users.models import User

    people = (
        User.objects.filter(groups__name=Role.CSM, is_active=True)
        .order_by("name", "email")
        .values_list("pk", "name", "email")
    )
    return [("mine", "My accounts"), ("any", "Any CSM"), ("none", "No CSM")] + [
        (str(pk), name or email) for pk, name, email in people
    ]


class CsmFilter(django_filters.ChoiceFilter):
    """Whose accounts: mine (the default for CSMs), any, none, or one CSM by id.

    `field_name` is the path to the account's CSM, e.g. "csm" or "account__csm".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", csm_choices)
        kwargs.setdefault("label", "CSM")
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, **kwargs)

    @property
    def field(self) -> Any:
        """The form field, with the CSM list read once (a callable would be re-read on every use)."""
        if not hasattr(self, "_field"):
            field = super().field
            field.choices = list(field.choices)
        return self._field

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in (None, "", "any"):
            return qs
        if value == "mine":
            return qs.filter(**{self.field_name: self.parent.request.user})
        if value == "none":
            return qs.filter(**{f"{self.field_name}__isnull": True})
        return qs.filter(**{f"{self.field_name}_id": int(value)})


class InstanceFilter(django_filters.ChoiceFilter):
    """The Zendesk instance of a list's rows (docs/instances.md, Lists). `field_name` is the
    path to the row's instance column (`zd_instance`, `ticket__zd_instance`). Its choices are
    set per person by `limit_instance_filter`: only the instances they may see, so a hidden one
    is refused exactly as an unknown value is ("Select a valid choice")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("field_name", "zd_instance")
        kwargs.setdefault("label", "Instance")
        kwargs.setdefault("empty_label", "Any instance")
        kwargs.setdefault("choices", [])
        super().__init__(*args, **kwargs)


def limit_instance_filter(filterset: django_filters.FilterSet) -> None:
    """Every `InstanceFilter` of `filterset`: gone where one instance is configured (the form,
    its query string and its SQL as before), else offering the instances its person may see."""
    names = [name for name, f in filterset.filters.items() if isinstance(f, InstanceFilter)]
    if not names:
        return
    if not instances.is_multi():
        for name in names:
            del filterset.filters[name]
        return
    visible = instances.visible_keys(getattr(filterset.request, "user", None))
    choices = [(i.key, i.name) for i in instances.all_instances() if i.key in visible]
    for name in names:
        filterset.filters[name].extra["choices"] = choices


class FastSelectFilterSet(django_filters.FilterSet):
    """A FilterSet whose selects render in Python (`FastSelect`): the filter forms sit on every
    list page, and Django's Select renders two templates per option. Its `InstanceFilter`s are
    limited to the person's instances (`limit_instance_filter`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_instance_filter(self)

    @property
    def form(self) -> Any:
        if not hasattr(self, "_form"):
            for field in super().form.fields.values():
                if type(field.widget) is forms.Select:
                    field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
        return self._form


def default_csm_scope(data: Any, request: Any) -> Any:
    """Lists open on the CSM's own accounts; everyone else sees every account."""
    if data is not None and "csm" in data:
        return data
    data = data.copy() if data is not None else {}
    data["csm"] = "mine" if Role.CSM in user_roles(request.user) else "any"
    return data
