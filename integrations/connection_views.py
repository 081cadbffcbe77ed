"""The Connections page (admins): the field mapping, and the connection check on demand."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods, require_POST

from csmportal import instances
from csmportal.instances import GLOBAL
from users.roles import Role, role_required

from . import connections, discovery, mapping
from .models import FieldMappingChange
from .services import field_mapping_set

# Salesforce API names and Zendesk field keys; the ticket field is named by its title.
API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")


# (field, instance) of every input: Salesforce's fields once ("" for their instance), then
# each Zendesk instance's fields.
Slot = tuple[mapping.LogicalField, str]


def _groups() -> list[tuple[str, list[Slot]]]:
    """The page's groups of fields: Salesforce, then "Zendesk: <name>" per instance (untitled
    with one instance: the page is one table, as before instances)."""
    multi = instances.is_multi()
    groups = [
        ("Salesforce" if multi else "", [(f, "") for f in mapping.FIELDS if f.source == mapping.SALESFORCE])
    ]
    for instance in instances.all_instances():
        fields = [(f, instance.key) for f in mapping.FIELDS if f.source == mapping.ZENDESK]
        groups.append((f"Zendesk: {instance.name}" if multi else "", fields))
    return groups


def _names() -> dict[str, dict[str, str]]:
    """{instance: its names by key} ("" and the global instance share Salesforce's names)."""
    names = {key: mapping.current(key) for key in instances.keys()}  # noqa: SIM118
    names[""] = names[GLOBAL]
    return names


class MappingForm(forms.Form):
    """One text input per logical field and instance, named by its ``mapping.form_key``."""

    def __init__(self, *args, names: dict[str, dict[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for _, slots in _groups():
            for f, instance in slots:
                self.fields[mapping.form_key(f.key, instance)] = forms.CharField(
                    label=f.label,
                    required=f.required,
                    max_length=255,
                    initial=names[instance][f.key],
                    strip=True,
                )

    def clean(self) -> dict:
        data = super().clean() or {}
        for name, value in list(data.items()):
            key, _ = mapping.split_form_key(name)
            if value and mapping.BY_KEY[key].obj != "ticket" and not API_NAME.fullmatch(value):
                self.add_error(name, "Use the field's API name (letters, digits and _), not its label.")
        return data


def _rows(form: MappingForm, names: dict[str, dict[str, str]], last: dict | None) -> list[dict]:
    reports = {}
    if last and last.get("fields"):
        reports = {r["key"]: r for r in last["fields"]}
    rows = []
    for title, slots in _groups():
        own = mapping.own(slots[0][1]) if slots and slots[0][1] not in ("", GLOBAL) else None
        for n, (f, instance) in enumerate(slots):
            name = mapping.form_key(f.key, instance)
            rows.append(
                {
                    "group": title if n == 0 else "",
                    "key": name,
                    "field": f,
                    "input": form[name],
                    "default": f.default,
                    # Another instance's field without a name of its own: the global one's.
                    "follows": own is not None and f.key not in own,
                    "name": names[instance][f.key],
                    "report": reports.get(name),
                }
            )
    return rows


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def connections_page(request: HttpRequest) -> HttpResponse:
    names = _names()
    form = MappingForm(request.POST or None, names=names)
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data.get(k) or "" for k in form.fields}
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
    request: HttpRequest, form: MappingForm, names: dict[str, dict[str, str]], last: dict | None
) -> HttpResponse:
    changes = list(FieldMappingChange.objects.select_related("changed_by")[:20])
    # Where more than one instance is configured, each change says whose name it was.
    known = {i.key: i.name for i in instances.all_instances()} if instances.is_multi() else {}
    for change in changes:
        change.where = known.get(change.zd_instance, change.zd_instance) if known else ""  # type: ignore[attr-defined]
    context = {
        "form": form,
        "rows": _rows(form, names, last),
        "multi": bool(known),
        "global_name": instances.get(GLOBAL).name,
        "last": last,
        "checked_at": parse_datetime(last["checked_at"]) if last else None,
        "changes": changes,
    }
    return render(request, "integrations/connections.html", context)


@require_POST
@role_required(Role.ADMIN)
def connections_check(request: HttpRequest) -> HttpResponse:
    """Run the check now (it calls both sources) and show the page with its results (also
    remembered for the next visit)."""
    result = connections.run()
    last = connections.remember(result, fields=[_field_dict(r) for r in result.fields])
    names = _names()
    return _render(request, MappingForm(names=names), names, last)


def _field_dict(r: discovery.FieldReport) -> dict:
    return {
        "key": r.form_key,
        "status": r.status,
        "message": r.message,
        "found": r.found.name if r.found else "",
        "suggestions": [{"name": s.name, "label": s.label, "type": s.type} for s in r.suggestions],
    }
