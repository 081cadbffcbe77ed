"""How the ticket review reacts to the sync: quick receivers that hand the work to tasks."""

from functools import partial
from typing import Any

from django.db import transaction

TICKETS_STREAM = "zendesk.tickets"
COMMENTS_STREAM = "zendesk.comments"
ACCOUNTS_STREAM = "salesforce.accounts"
SCHEDULES_STREAM = "zendesk.schedules"
CHUNK = 1000


def on_page_synced(
    sender: Any,
    *,
    stream: str,
    created: list[int] | None = None,
    updated: list[int] | None = None,
    deleted: list[int] | None = None,
    instance: str | None = None,
    **kwargs: Any,
) -> None:
    """Tickets or comments created/changed -> recompute those tickets' review and SLA.

    An account changed in Salesforce (its plan decides the SLA) -> recompute its open tickets;
    a solved ticket keeps the SLA it was held to. A Zendesk schedule created, changed or
    deleted (a region's business hours or holidays) -> recompute the open tickets of every
    region (a region's schedule is found by name, so any change may move any region) of that
    schedule's Zendesk instance (a ticket's clock runs on its own instance's schedules).
    """
    if stream not in (TICKETS_STREAM, COMMENTS_STREAM, ACCOUNTS_STREAM, SCHEDULES_STREAM):
        return
    from .models import PreferredRegion, Ticket
    from .tasks import review_comment_tickets, review_tickets

    if stream == SCHEDULES_STREAM:
        if not (created or updated or deleted):
            return
        regional = [PreferredRegion.AMER, PreferredRegion.EMEA, PreferredRegion.APAC]
        tickets = Ticket.objects.open().filter(preferred_region__in=regional)
        if instance is not None:
            tickets = tickets.filter(zd_instance=instance)
        ids = list(tickets.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            transaction.on_commit(partial(review_tickets.delay, ids[start : start + CHUNK]))
        return

    task = review_comment_tickets if stream == COMMENTS_STREAM else review_tickets
    ids = sorted(set(created or []) | set(updated or []))
    if stream == ACCOUNTS_STREAM:
        if not updated:
            return
        ids = list(
            Ticket.objects.open().filter(account_id__in=updated).order_by("pk").values_list("pk", flat=True)
        )
    for start in range(0, len(ids), CHUNK):
        transaction.on_commit(partial(task.delay, ids[start : start + CHUNK]))
