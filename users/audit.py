"""The audit of changes made in the portal's own pages that have no trail of their own (roles,
the review rotation): lines in Django's admin log, so each object's "History" in the admin and
the Team page show who changed what and when."""

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from csmportal.compiled import instance_of, values_rows

# Who made a change: what the Team page writes of them (their name, else their address).
AUTHOR_FIELDS = ("user__id", "user__name", "user__email")


def audit_record(*, actor: Any, obj: Model, message: str) -> LogEntry:
    return LogEntry.objects.create(
        user_id=actor.pk,
        content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message=message,
    )


def audit_lines(model: type[Model], *, limit: int = 10) -> list[LogEntry]:
    """The latest changes to objects of one model, newest first, each with who made it: one
    query, built and compiled once per process and model (csmportal.compiled)."""
    from .models import User

    type_id = ContentType.objects.get_for_model(model, for_concrete_model=False).pk

    def build() -> QuerySet[Any]:
        fields = [f.attname for f in LogEntry._meta.concrete_fields]
        return LogEntry.objects.filter(content_type_id=type_id).values(*fields, *AUTHOR_FIELDS)[:limit]

    lines = []
    for row in values_rows(f"users.audit_lines.{type_id}.{limit}", None, build, {}, {}):
        line = instance_of(LogEntry, {k: v for k, v in row.items() if k not in AUTHOR_FIELDS})
        line.user = instance_of(User, row, prefix="user__")
        lines.append(line)
    return lines
