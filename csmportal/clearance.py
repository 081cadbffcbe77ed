"""Who may see a restricted Zendesk instance's data, for the reads that are not a page's own
queryset: emails and bell lines (who receives them), items reached through a ticket or an
organization (feedback, support-ops requests). The rule is csmportal.instances.visible_keys;
with no restricted instance configured every function here answers without a query.
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
    hidden = instances.hidden_keys(user)
    if not hidden:
        return queryset
    for field in fields:
        queryset = queryset.exclude(**{f"{field}__in": sorted(hidden)})
    return queryset


def may_see(user: Any, key: str | None) -> bool:
    """Whether ``user`` may see a row of instance ``key`` (None or "": not instance data)."""
    return not key or key not in instances.hidden_keys(user)


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
