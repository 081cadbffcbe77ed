"""What mirror rows deleted at their source share: a ``deleted_at`` column and ``.live()``.

A record deleted in Zendesk or Salesforce keeps its row in the portal (its tickets, audit
trail and feedback still point at it), with ``deleted_at`` set by the sync. Lists, counts,
checks and choices read ``Model.objects.live()``; history reads the row as it is.
"""

from __future__ import annotations

from typing import Self

from django.db import models

from csmportal.instances import VisibleQuerySet

DELETED_PERSON = "deleted person"


class MirrorQuerySet(models.QuerySet):
    def live(self) -> Self:
        """Rows still present at their source."""
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> Self:
        return self.filter(deleted_at__isnull=False)


MirrorManager = models.Manager.from_queryset(MirrorQuerySet)


# django-stubs gives every queryset class a generated ``as_manager`` whose manager derives from
# the first base's only, so it cannot match both bases' here; this class's manager is built with
# ``from_queryset`` below and ``as_manager`` is never called on it.
class ZendeskMirrorQuerySet(MirrorQuerySet, VisibleQuerySet):  # type: ignore[override]
    """A Zendesk mirror's rows: ``.live()`` and ``.visible_to(user)`` (docs/instances.md)."""


ZendeskMirrorManager = models.Manager.from_queryset(ZendeskMirrorQuerySet)
