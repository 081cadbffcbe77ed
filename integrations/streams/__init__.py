"""The registry of streams, by their fixed names (``integrations.models.Stream``)."""

from __future__ import annotations

from ..models import Stream
from .base import PageResult, StreamSpec
from .salesforce_objects import AccountStream, CaseStream, ContactStream, SalesforceUserStream
from .zendesk_people import OrganizationStream, RatingStream, UserStream
from .zendesk_schedules import ScheduleStream
from .zendesk_tickets import CommentStream, TicketStream, write_tickets

# The order a full sync runs in: parents before children, so most links resolve on arrival
# (the others resolve when their parent arrives).
ORDER: list[type[StreamSpec]] = [
    SalesforceUserStream,
    AccountStream,
    ContactStream,
    OrganizationStream,
    ScheduleStream,
    UserStream,
    TicketStream,
    CommentStream,
    RatingStream,
    CaseStream,
]
STREAMS: dict[str, StreamSpec] = {cls.name: cls() for cls in ORDER}
assert set(STREAMS) == set(Stream.values), "every Stream needs a spec"


def get_stream(name: str) -> StreamSpec:
    try:
        return STREAMS[name]
    except KeyError:
        raise ValueError(f"unknown stream {name!r}; streams: {', '.join(STREAMS)}") from None


__all__ = ["ORDER", "STREAMS", "PageResult", "StreamSpec", "get_stream", "write_tickets"]
