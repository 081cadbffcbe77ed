"""The home page's sections for support managers, support ops and admins: what is due, waiting
or failing, each a few queries whatever the size of the queues. Items about a restricted Zendesk
instance the viewer is not cleared for are neither listed nor counted (docs/instances.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from csmportal import health
from feedback.models import Feedback, FeedbackStatus
from feedback.rotation import next_empty_week
from feedback.selectors import queue_counts as feedback_counts
from feedback.selectors import visible_feedback
from supportops.models import OpsRequest, RequestStatus
from supportops.selectors import queue_counts as request_counts
from supportops.selectors import visible_requests

SHOWN = 10  # rows per section; the counts link to the full lists
ROTATION_WEEKS = 12  # how far ahead the rotation is checked for an empty week
DUE_WITHIN = dt.timedelta(days=1)  # the queue's "due within a day"


@dataclass(frozen=True)
class ManagerQueue:
    counts: dict[str, int]
    items: list[Feedback]  # overdue and due within a day, oldest due first
    empty_week: dt.date | None  # the first coming week with nobody on the rotation
    weeks_checked: int


def manager_queue(user: Any, now: dt.datetime | None = None) -> ManagerQueue:
    """The feedback queue's overdue and due items and the rotation's next empty week (3 queries)."""
    now = now or timezone.now()
    waiting = Q(first_responded_at__isnull=True) & ~Q(status=FeedbackStatus.CLOSED)
    scope = visible_feedback(Feedback.objects.all(), user)
    items = list(
        scope.filter(waiting, first_response_due_at__lt=now + DUE_WITHIN)
        .select_related("account", "reviewing_manager")
        .order_by("first_response_due_at", "pk")[:SHOWN]
    )
    return ManagerQueue(
        counts=feedback_counts(scope, user),
        items=items,
        empty_week=next_empty_week(now, weeks=ROTATION_WEEKS),
        weeks_checked=ROTATION_WEEKS,
    )


@dataclass(frozen=True)
class OpsQueue:
    counts: dict[str, int]
    items: list[OpsRequest]  # flagged first, then the oldest unclaimed


def ops_queue(user: Any) -> OpsQueue:
    """Unclaimed and flagged requests (2 queries)."""
    waiting = (RequestStatus.FLAGGED, RequestStatus.OPEN)
    scope = visible_requests(OpsRequest.objects.all(), user)
    items = list(
        scope.filter(status__in=waiting)
        .select_related("account", "organization", "requested_by")
        .order_by("status", "created_at", "pk")[:SHOWN]  # "flagged" sorts before "open"
    )
    return OpsQueue(counts=request_counts(scope), items=items)


@dataclass(frozen=True)
class AdminStatus:
    streams: int
    stale: list[str]
    errors: list[tuple[str, str]]  # (stream, its last error)


def admin_status() -> AdminStatus:
    """The sync's state as /healthz and the sync page judge it (one query)."""
    sync = health.sync_state()
    streams = sync["streams"]
    errors = [(name, s["last_error"]) for name, s in streams.items() if s["last_error"]]
    return AdminStatus(streams=len(streams), stale=list(sync["stale"]), errors=errors)
