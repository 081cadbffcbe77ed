"""Filters shared by several lists."""

import copy
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from users.roles import Role, user_roles

from . import compiled, instances
from .widgets import FastSelect


def _active_csms() -> QuerySet:
    from users.models import User

    return (
        User.objects.filter(groups__name=Role.CSM, is_active=True)
        .order_by("name", "email")
        .values("pk", "name", "email")
    )


def csm_choices() -> list[tuple[str, str]]:
    """Scopes, then every active CSM (read as plain tuples: lists show hundreds; the query is
    compiled once per process, `csmportal.compiled`)."""
    people = compiled.values_rows("csm_choices", None, _active_csms, {}, {})
    return [("mine", "My accounts"), ("any", "Any CSM"), ("none", "No CSM")] + [
        (str(p["pk"]), p["name"] or p["email"]) for p in people
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


def copy_filter(base: django_filters.filters.Filter) -> Any:
    """A request's own copy of a declared filter, as django-filter's `deepcopy` of every filter
    (their choices, widgets and querysets included) gives it, for what a request changes: its
    `extra` (the field's arguments, e.g. the instances offered), its field (built lazily, per
    copy) and its parent (a `method=` filter calls the copy's FilterSet)."""
    new = copy.copy(base)
    new.extra = dict(base.extra)
    new.__dict__.pop("_field", None)
    if base.method is not None:
        new.method = base.method  # a FilterMethod bound to the copy, not to the declared filter
    return new


class _FreshFields(dict):
    """A form class's fields built for its one form (a FilterSet's, each request): the form
    takes them as they are instead of deep-copying them (their choices and widgets) again."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return dict(self)


class FastSelectFilterSet(django_filters.FilterSet):
    """A FilterSet whose selects render in Python (`FastSelect`): the filter forms sit on every
    list page, and Django's Select renders two templates per option. Its `InstanceFilter`s are
    limited to the person's instances (`limit_instance_filter`).

    Cheaper per request than django-filter's own: its filters are copied one level deep
    (`copy_filter`), not deep-copied with their choices, widgets and querysets, and its form
    keeps the fields built for it instead of deep-copying them again."""

    def __init__(
        self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: Any = None
    ) -> None:
        # django_filters.FilterSet.__init__, with copy_filter for its copy.deepcopy.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy_filter(base) for name, base in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
        limit_instance_filter(self)

    def get_form_class(self) -> Any:
        form_class = super().get_form_class()
        fields = form_class.base_fields
        if len(fields) == len(self.filters) and all(
            fields.get(name) is filter_.field for name, filter_ in self.filters.items()
        ):  # each built for this request (a form class's own declared fields would be shared)
            form_class.base_fields = _FreshFields(fields)
        return form_class

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
