"""What a stream is: where its pages come from, how a page is written, and its cursor rules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.db import models

from ..records import Page
from ..upsert import Written


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
    """One mirrored stream. Subclasses say which source, model, key and version column."""

    name: ClassVar[str]
    source: ClassVar[str]  # "zendesk" or "salesforce"
    model: ClassVar[type[models.Model]]
    key: ClassVar[str]
    version: ClassVar[str | None]

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
