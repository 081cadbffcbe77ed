"""Sorted streams of integer keys: a large immutable base plus a small mutable tail.

A key packs ``(timestamp, tiebreak)`` as ``timestamp << shift | tiebreak``. The base holds
the generated items in order; items that change are removed from the base and appended to
the tail with a newer timestamp, so exports see an updated item again later in the stream,
as Zendesk's do. Tail keys are always greater than every base key.
"""

from __future__ import annotations

import base64
import bisect
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

TICKET_SHIFT = 24  # key = generated_timestamp << 24 | ticket id (or a tail sequence number)
EVENT_SHIFT = 28  # key = timestamp << 28 | ticket id << 4 | audit index


class SortedStream:
    def __init__(self, base: Iterable[int], shift: int) -> None:
        keys = sorted(base)
        self.base = array("q", keys)
        self.shift = shift
        self.removed: list[int] = []  # sorted positions in ``base``
        self._removed_set: set[int] = set()
        self.tail: list[int] = []
        self.tail_values: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self.base) - len(self.removed) + len(self.tail)

    @property
    def last_key(self) -> int:
        if self.tail:
            return self.tail[-1]
        return self.base[-1] if len(self.base) else -1

    def remove(self, key: int) -> None:
        pos = bisect.bisect_left(self.base, key)
        if pos < len(self.base) and self.base[pos] == key:
            if pos not in self._removed_set:
                self._removed_set.add(pos)
                bisect.insort(self.removed, pos)
            return
        idx = bisect.bisect_left(self.tail, key)
        if idx < len(self.tail) and self.tail[idx] == key:
            del self.tail[idx]
            self.tail_values.pop(key, None)

    def append(self, key: int, value: Any = None) -> None:
        if key <= self.last_key:
            raise ValueError("tail keys must increase")
        self.tail.append(key)
        if value is not None:
            self.tail_values[key] = value

    def append_at(self, ts: int, seq: int, value: Any = None) -> int:
        """Append an item stamped ``ts`` (moved forward if needed to stay last); its key."""
        last = self.last_key
        ts = max(ts, last >> self.shift) if last >= 0 else ts
        key = self.make(ts, seq)
        if key <= last:
            key = self.make(ts + 1, seq)
        self.append(key, value)
        return key

    def after(self, key: int) -> Iterator[int]:
        """Keys greater than ``key``, ascending."""
        pos = bisect.bisect_right(self.base, key)
        removed = self._removed_set
        base = self.base
        for p in range(pos, len(base)):
            if p not in removed:
                yield base[p]
        idx = bisect.bisect_right(self.tail, key)
        yield from self.tail[idx:]

    def before(self, key: int) -> Iterator[int]:
        """Keys smaller than ``key``, descending."""
        idx = bisect.bisect_left(self.tail, key)
        for k in range(idx - 1, -1, -1):
            yield self.tail[k]
        pos = bisect.bisect_left(self.base, key)
        removed = self._removed_set
        for p in range(pos - 1, -1, -1):
            if p not in removed:
                yield self.base[p]

    def count_after(self, key: int) -> int:
        pos = bisect.bisect_right(self.base, key)
        gone = len(self.removed) - bisect.bisect_left(self.removed, pos)
        return len(self.base) - pos - gone + len(self.tail) - bisect.bisect_right(self.tail, key)

    def take(self, key: int, limit: int) -> list[int]:
        out = []
        for k in self.after(key):
            out.append(k)
            if len(out) >= limit:
                break
        return out

    def split(self, key: int) -> tuple[int, int]:
        return key >> self.shift, key & ((1 << self.shift) - 1)

    def make(self, ts: int, low: int) -> int:
        return (ts << self.shift) | low


def encode_cursor(ts: int, low: int) -> str:
    """A cursor in the style of Zendesk's (base64 of ``<ts>.0||<n>|``)."""
    return base64.urlsafe_b64encode(f"{ts}.0||{low}|".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    padded = cursor + "=" * (-len(cursor) % 4)
    raw = base64.urlsafe_b64decode(padded.encode()).decode()
    ts_text, _, rest = raw.partition("||")
    return int(float(ts_text)), int(rest.strip("|"))
