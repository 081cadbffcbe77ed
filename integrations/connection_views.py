"""The Connections page (admins): the field mapping, and the connection check on demand."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods, require_POST

from users.roles import Role, role_required

from . import connections, discovery, mapping
from .models import FieldMappingChange
from .services import field_mapping_set

# Salesforce API names and Zendesk field keys; the ticket field is named by its title.
API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")


class MappingForm(forms.Form):
    """One text input per logical field, named by its key."""

    def __init__(self, *args, names: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for f in mapping.FIELDS:
            self.fields[f.key] = forms.CharField(
                label=f.label, required=f.required, max_length=255, initial=names[f.key], strip=True
            )

    def clean(self) -> dict:
        data = super().clean() or {}
        for f in mapping.FIELDS:
            value = data.get(f.key) or ""
            if value and f.obj != "ticket" and not API_NAME.fullmatch(value):
                self.add_error(f.key, "Use the field's API name (letters, digits and _), not its label.")
        return data


def _rows(form: MappingForm, names: dict[str, str], last: dict | None) -> list[dict]:
    reports = {}
    if last and last.get("fields"):
        reports = {r["key"]: r for r in last["fields"]}
    return [
        {
            "field": f,
            "input": form[f.key],
            "default": f.default,
            "name": names[f.key],
            "report": reports.get(f.key),
        }
        for f in mapping.FIELDS
    ]


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def connections_page(request: HttpRequest) -> HttpResponse:
    names = mapping.current()
    form = MappingForm(request.POST or None, names=names)
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data.get(k) or "" for k in names}
        try:
            streams = field_mapping_set(changes=changes, user=request.user)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            if streams:
                messages.success(
                    request, f"Mapping saved. Syncing again from the start: {', '.join(streams)}."
                )
            else:
                messages.info(request, "Nothing changed.")
            return redirect("integrations:connections")
    return _render(request, form, names, connections.last())


def _render(
    request: HttpRequest, form: MappingForm, names: dict[str, str], last: dict | None
) -> HttpResponse:
    context = {
        "form": form,
        "rows": _rows(form, names, last),
        "last": last,
        "checked_at": parse_datetime(last["checked_at"]) if last else None,
        "changes": FieldMappingChange.objects.select_related("changed_by")[:20],
    }
    return render(request, "integrations/connections.html", context)


@require_POST
@role_required(Role.ADMIN)
def connections_check(request: HttpRequest) -> HttpResponse:
    """Run the check now (it calls both sources) and show the page with its results (also
    remembered for the next visit)."""
    result = connections.run()
    last = connections.remember(result, fields=[_field_dict(r) for r in result.fields])
    names = mapping.current()
    return _render(request, MappingForm(names=names), names, last)


def _field_dict(r: discovery.FieldReport) -> dict:
    return {
        "key": r.key,
        "status": r.status,
        "message": r.message,
        "found": r.found.name if r.found else "",
        "suggestions": [{"name": s.name, "label": s.label, "type": s.type} for s in r.suggestions],
    }
