"""How notifications react to the sync (receivers are quick: the work goes to tasks)."""

import logging
from typing import Any

from django.utils import timezone

from tickets.models import Ticket

from . import rule
from .models import Finding

log = logging.getLogger(__name__)

TICKETS_STREAM = "zendesk.tickets"
# A run of these can link a ticket's organization to an account or give the account a CSM.
LINKING_STREAMS = {"zendesk.organizations", "salesforce.accounts", "salesforce.users"}
CHUNK = 500


def on_page_synced(
    sender: Any,
    *,
    stream: str,
    created: list[int] | None = None,
    updated: list[int] | None = None,
    **kwargs: Any,
) -> None:
    """New tickets (webhook fetch or polling, whichever saw them first) -> the rule, in a task."""
    if stream != TICKETS_STREAM:
        return
    from .tasks import process_new_tickets

    ids = list(created or [])
    if ids:
        # Tickets opened before the notification window notify nobody and are no finding (the
        # rule's first test): leaving them out here keeps a backfill's pages off the urgent queue.
        window_start = timezone.now() - rule.max_ticket_age()
        ids = list(
            Ticket.objects.filter(pk__in=ids, zd_created_at__gte=window_start).values_list("pk", flat=True)
        )
    if updated:
        # An updated ticket that notified nobody may now have its organization linked.
        ids += list(
            Finding.objects.filter(ticket_id__in=updated, resolved_at__isnull=True).values_list(
                "ticket_id", flat=True
            )
        )
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        try:
            process_new_tickets.delay(chunk)
        except Exception:
            # The broker is unreachable: claim the rows here rather than lose them (the sync
            # announces a ticket as new only once). Their emails wait for the hourly sweep.
            log.exception("could not enqueue the notification rule; applying it in the sync")
            rule.notifications_create_for_tickets(ticket_ids=chunk)


def on_stream_synced(sender: Any, *, stream: str, **kwargs: Any) -> None:
    if stream not in LINKING_STREAMS:
        return
    from .tasks import recheck_findings

    if Finding.objects.filter(resolved_at__isnull=True).exists():
        recheck_findings.delay()
