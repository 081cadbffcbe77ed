"""How the ticket review reacts to the sync: quick receivers that hand the work to tasks."""

from functools import partial
from typing import Any

from django.db import transaction

TICKETS_STREAM = "zendesk.tickets"
COMMENTS_STREAM = "zendesk.comments"
CHUNK = 1000


def on_page_synced(
    sender: Any,
    *,
    stream: str,
    created: list[int] | None = None,
    updated: list[int] | None = None,
    **kwargs: Any,
) -> None:
    """Tickets or comments created/changed -> recompute those tickets' review and SLA."""
    if stream not in (TICKETS_STREAM, COMMENTS_STREAM):
        return
    from .tasks import review_comment_tickets, review_tickets

    task = review_tickets if stream == TICKETS_STREAM else review_comment_tickets
    ids = sorted(set(created or []) | set(updated or []))
    for start in range(0, len(ids), CHUNK):
        transaction.on_commit(partial(task.delay, ids[start : start + CHUNK]))
