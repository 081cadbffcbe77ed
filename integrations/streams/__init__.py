"""The registry of streams, by their names (``integrations.models.Stream``).

A Zendesk stream runs once per Zendesk instance (``csmportal.instances``). Its key, the name
its state, lock and runs are kept under, is the stream's name for the instance ``global``
(``zendesk.tickets``, as before instances) and ``<name>@<instance>`` for another
(``zendesk.tickets@usgov``). Salesforce streams have one key, their name.
"""

from __future__ import annotations

from csmportal import instances
from csmportal.instances import GLOBAL

from ..models import Stream
from .base import SEPARATOR, PageResult, StreamSpec, split_key, stream_key
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
CLASSES: dict[str, type[StreamSpec]] = {cls.name: cls for cls in ORDER}
assert set(CLASSES) == set(Stream.values), "every Stream needs a spec"
# The global instance's streams (and Salesforce's), by name.
STREAMS: dict[str, StreamSpec] = {cls.name: cls() for cls in ORDER}


def get_stream(key: str) -> StreamSpec:
    """The stream with this key (``zendesk.tickets``, ``zendesk.tickets@usgov``); ValueError
    for an unknown stream or instance."""
    name, instance = split_key(key)
    cls = CLASSES.get(name)
    if cls is None:
        raise ValueError(f"unknown stream {key!r}; streams: {', '.join(stream_keys())}")
    if instance != GLOBAL:
        if cls.source != "zendesk":
            raise ValueError(f"unknown stream {key!r}: only Zendesk streams run per instance")
        if instance not in instances.keys():  # noqa: SIM118 (a function, not a dict)
            raise ValueError(
                f"unknown stream {key!r}: no Zendesk instance {instance!r} is configured "
                f"(instances: {', '.join(instances.keys())})"
            )
    return cls(instance)


def all_streams() -> list[StreamSpec]:
    """Every stream of every configured instance, in sync order (an instance's Zendesk
    streams after the global one's, stream by stream)."""
    keys = instances.keys()
    return [cls(key) for cls in ORDER for key in (keys if cls.source == "zendesk" else [GLOBAL])]


def stream_keys() -> list[str]:
    return [spec.stream for spec in all_streams()]


__all__ = [
    "CLASSES",
    "ORDER",
    "SEPARATOR",
    "STREAMS",
    "PageResult",
    "StreamSpec",
    "all_streams",
    "get_stream",
    "split_key",
    "stream_key",
    "stream_keys",
    "write_tickets",
]
