"""The access rule in the Django admin (docs/instances.md, Access).

A restricted Zendesk instance's rows exist in the admin only for staff an admin cleared for it,
as on the portal's pages: every ModelAdmin of a Zendesk-keyed model (or of a row about one)
inherits ``InstanceAccessAdmin``, which leaves the hidden rows out of its list, its search, its
filters, its actions and the choices of its forms, and answers 404 for their change, history
and delete pages. ``view_on_site`` does the same for the admin's "view on site" redirect
(``/admin/r/<content type>/<id>/``), which would otherwise give a hidden row's address away.
With no restricted instance configured nothing changes and no query is added.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from .clearance import exclude_hidden
from .instances import hide


class InstanceAccessAdmin(admin.ModelAdmin):
    """A ModelAdmin under the access rule. ``instance_fields`` are the paths to the instance
    columns that decide whether a row is hidden (``csmportal.clearance.exclude_hidden``): the
    row's own ``zd_instance`` unless a model says otherwise (a feedback item: its ticket's and
    its rating's too)."""

    instance_fields: tuple[str, ...] = ("zd_instance",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return exclude_hidden(super().get_queryset(request), request.user, *self.instance_fields)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """The row, or 404 (a hidden row and a missing one answer alike: Django's default for a
        missing one, a redirect with a message, would tell them apart)."""
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404("No such row.")
        return found

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """A link to a Zendesk-keyed row offers (and accepts) only the rows the admin may see."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        choices = getattr(field, "queryset", None)
        if choices is not None and _is_zendesk_keyed(db_field.related_model):
            field.queryset = hide(choices, request.user)  # type: ignore[union-attr]
        return field


def _is_zendesk_keyed(model: type[Model]) -> bool:
    return any(f.name == "zd_instance" for f in model._meta.concrete_fields)


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """Django's "view on site" redirect, 404 for a row its admin hides from this person."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type is not None else None
    if model is not None and admin.site.is_registered(model):
        model_admin = admin.site.get_model_admin(model)
        if isinstance(model_admin, InstanceAccessAdmin):
            try:
                visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
            except (ValueError, ValidationError):
                visible = False
            if not visible:
                raise Http404("No such row.")
    return shortcut(request, content_type_id, object_id)
