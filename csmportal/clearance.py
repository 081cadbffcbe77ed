"""Who may see a restricted Zendesk instance's data, beside ``csmportal.instances.hide``:
items guarded by more than one path (a feedback item by its ticket and its rating), and the
readers of emails and bell lines (who receives them). With no restricted instance configured
every function here answers without a query (docs/instances.md).
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from . import instances

M = TypeVar("M", bound=Model)


def exclude_hidden(queryset: QuerySet[M], user: Any, *fields: str) -> QuerySet[M]:
    """The rows none of whose instance ``fields`` (paths to a ``zd_instance``, e.g.
    ``"ticket__zd_instance"``) names an instance hidden from ``user``; a row whose path is
    empty (no ticket) stays. The queryset itself when nothing is hidden (no query, no join)."""
    for field in fields:
        queryset = instances.hide(queryset, user, field)
    return queryset


def cleared_among(user_ids: Iterable[int], key: str | None) -> set[int]:
    """Of these people, those who may see instance ``key``'s data: all of them unless it is a
    restricted instance (then one query)."""
    ids = {pk for pk in user_ids if pk is not None}
    if not key or key not in instances.restricted_keys() or not ids:
        return ids
    from users.models import Clearance

    return set(Clearance.objects.filter(instance=key, user_id__in=ids).values_list("user_id", flat=True))


def restricted_key(*keys: str | None) -> str | None:
    """The first of these instance keys that is a restricted instance (what an item about a ticket,
    a rating or an organization is guarded by), else None."""
    restricted = instances.restricted_keys()
    return next((key for key in keys if key and key in restricted), None)
