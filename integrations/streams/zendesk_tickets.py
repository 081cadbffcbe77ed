"""Zendesk tickets (cursor-based export, with SLA) and their comments (ticket event export)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from csmportal.instances import GLOBAL
from tickets.models import Comment, Status, Ticket

from .. import links
from ..records import CommentRecord, Page, TicketRecord
from ..upsert import upsert
from .base import PageResult, StreamSpec


class TicketStream(StreamSpec):
    name = "zendesk.tickets"
    source = "zendesk"
    model = Ticket
    key = "zd_id"
    version = "generated_timestamp"

    def pages(self, client: Any, cursor: str) -> Iterator[Page[TicketRecord]]:
        return client.ticket_pages(cursor)

    def write(self, page: Page[TicketRecord]) -> PageResult:
        return write_tickets(page.records, instance=self.instance)


def write_tickets(records: list[TicketRecord], *, instance: str = GLOBAL) -> PageResult:
    """Upsert one instance's tickets and link them; shared by the stream and the single-ticket
    fetch."""
    written = upsert(
        Ticket,
        records,
        key="zd_id",
        version="generated_timestamp",
        returning=("status",),
        links=[links.T_ORG, links.T_ACCOUNT, links.T_REQUESTER],
        instance=instance,
    )
    if not written:
        return PageResult()
    new = [w.key for w in written if w.inserted]
    # Comments, ratings and cases can arrive before their ticket.
    links.link_children(links.C_TICKET, new, instance=instance)
    links.link_children(links.R_TICKET, new, instance=instance)
    links.link_children(links.CS_TICKET, new, instance=instance)
    links.update_first_replies((w.key for w in written), instance=instance)
    return PageResult.from_written(written, deleted_if=Status.DELETED)


class CommentStream(StreamSpec):
    """Comments come from the ticket event export (``include=comment_events``): one stream for
    every ticket's comments, 1000 events a request. See docs/sync.md."""

    name = "zendesk.comments"
    source = "zendesk"
    model = Comment
    key = "zd_id"
    version = None  # comments do not change (a redaction is written over, same id)

    def pages(self, client: Any, cursor: str) -> Iterator[Page[CommentRecord]]:
        return client.comment_pages(cursor)

    def full_cursor(self) -> str:
        return "0"

    def write(self, page: Page[CommentRecord]) -> PageResult:
        written = upsert(
            Comment,
            page.records,
            key="zd_id",
            version=None,
            links=[links.C_TICKET, links.C_AUTHOR],
            instance=self.instance,
        )
        if not written:
            return PageResult()
        changed = {w.key for w in written}
        links.update_first_replies(
            (r.zd_ticket_id for r in page.records if r.zd_id in changed), instance=self.instance
        )
        return PageResult.from_written(written)
