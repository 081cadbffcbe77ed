"""The audit of changes made in the portal's own pages that have no trail of their own (roles,
the review rotation): lines in Django's admin log, so each object's "History" in the admin and
the Team page show who changed what and when."""

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet


def audit_record(*, actor: Any, obj: Model, message: str) -> LogEntry:
    return LogEntry.objects.create(
        user_id=actor.pk,
        content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
        change_message=message,
    )


def audit_lines(model: type[Model], *, limit: int = 10) -> QuerySet[LogEntry]:
    """The latest changes to objects of one model, newest first (one query)."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False)
    ).select_related("user")[:limit]
