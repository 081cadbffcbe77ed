"""How feedback reacts to the sync (connected in apps.py)."""

from typing import Any

from .services import feedback_link_tickets


def link_synced_tickets(sender: Any, *, stream: str, **kwargs: Any) -> None:
    """Items forwarded with a ticket number the portal didn't have yet get their ticket.

    Quick and idempotent: one query when nothing is waiting for a ticket.
    """
    if stream != "zendesk.tickets":
        return
    ids = [*kwargs.get("created", []), *kwargs.get("updated", [])]
    if ids:
        feedback_link_tickets(ticket_ids=ids)
