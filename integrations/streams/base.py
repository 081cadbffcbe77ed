"""What a stream is: where its pages come from, how a page is written, and its cursor rules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.db import models

from csmportal.instances import GLOBAL

from ..records import Page
from ..upsert import Written

SEPARATOR = "@"  # zendesk.tickets@usgov: the tickets stream of the instance usgov


def stream_key(name: str, instance: str = GLOBAL) -> str:
    """The key a stream's state, lock and runs are kept under: its name for the global
    instance (and Salesforce), ``<name>@<instance>`` for another Zendesk instance."""
    return name if instance == GLOBAL else f"{name}{SEPARATOR}{instance}"


def split_key(key: str) -> tuple[str, str]:
    """``zendesk.tickets@usgov`` -> ("zendesk.tickets", "usgov"); no instance -> global."""
    name, _, instance = key.partition(SEPARATOR)
    return name, instance or GLOBAL


@dataclass
class PageResult:
    """The portal rows a page created, changed and deleted (primary keys, for page_synced)."""

    created: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)
    deleted: list[Any] = field(default_factory=list)

    @classmethod
    def from_written(cls, written: Sequence[Written], deleted_if: Any = None) -> PageResult:
        result = cls()
        for row in written:
            if deleted_if is not None and row.extra and row.extra[0] == deleted_if:
                result.deleted.append(row.pk)
            elif row.inserted:
                result.created.append(row.pk)
            else:
                result.updated.append(row.pk)
        return result


class StreamSpec:
    """One mirrored stream. Subclasses say which source, model, key and version column; an
    object is the stream of one Zendesk instance (``instance``; global for Salesforce)."""

    name: ClassVar[str]
    source: ClassVar[str]  # "zendesk" or "salesforce"
    model: ClassVar[type[models.Model]]
    key: ClassVar[str]
    version: ClassVar[str | None]

    def __init__(self, instance: str = GLOBAL) -> None:
        self.instance = instance

    @property
    def stream(self) -> str:
        """This stream's key (``zendesk.tickets``, ``zendesk.tickets@usgov``)."""
        return stream_key(self.name, self.instance)

    def pages(self, client: Any, cursor: str) -> Iterator[Page[Any]]:
        """Pages from ``cursor`` ("" = from the beginning)."""
        raise NotImplementedError

    def write(self, page: Page[Any]) -> PageResult:
        """Write one page (inside the page's transaction): upsert, then resolve links."""
        raise NotImplementedError

    def after_run(self) -> None:
        """Catch-up work once a run has read everything (inside a transaction)."""

    def full_cursor(self) -> str:
        """The cursor a full resync starts from."""
        return ""

    def finish_cursor(self, cursor: str, watermark: datetime | None) -> str:
        """The cursor stored when a run reaches the end of the stream (default: as it is)."""
        return cursor
