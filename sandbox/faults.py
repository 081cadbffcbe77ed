"""Fault injection and per-endpoint rate limits, like Zendesk's and Salesforce's."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass

KINDS = ("429", "500", "502", "503", "504", "reset", "slow")


@dataclass
class Queued:
    kind: str
    count: int
    path_prefix: str


class Faults:
    """Random faults at ``rate``, plus faults queued for the next matching requests."""

    def __init__(
        self,
        rate: float = 0.0,
        kinds: tuple[str, ...] = KINDS,
        seed: int = 0,
        slow_seconds: float = 1.5,
        retry_after: int = 1,
    ) -> None:
        self.lock = threading.Lock()
        self.rate = rate
        self.kinds = tuple(kinds)
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.random = random.Random(seed ^ 0x5EED)
        self.queue: list[Queued] = []
        self.injected: dict[str, int] = {}

    def configure(
        self,
        rate: float | None = None,
        kinds: list[str] | tuple[str, ...] | None = None,
        slow_seconds: float | None = None,
        retry_after: int | None = None,
    ) -> None:
        with self.lock:
            if rate is not None:
                if not 0.0 <= float(rate) <= 1.0:
                    raise ValueError("rate must be between 0 and 1")
                self.rate = float(rate)
            if kinds is not None:
                unknown = set(kinds) - set(KINDS)
                if unknown or not kinds:
                    raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
                self.kinds = tuple(kinds)
            if slow_seconds is not None:
                self.slow_seconds = float(slow_seconds)
            if retry_after is not None:
                self.retry_after = int(retry_after)

    def inject_next(self, kind: str, count: int = 1, path_prefix: str = "/") -> None:
        """Answer the next ``count`` requests under ``path_prefix`` with fault ``kind``."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        with self.lock:
            self.queue.append(Queued(kind, count, path_prefix))

    def pick(self, path: str) -> str | None:
        with self.lock:
            for entry in self.queue:
                if path.startswith(entry.path_prefix):
                    entry.count -= 1
                    if entry.count <= 0:
                        self.queue.remove(entry)
                    return self._count(entry.kind)
            if self.rate and self.random.random() < self.rate:
                return self._count(self.random.choice(self.kinds))
        return None

    def duplicate(self) -> bool:
        """Whether a webhook is delivered twice (faults on only)."""
        with self.lock:
            return bool(self.rate) and self.random.random() < max(self.rate, 0.1)

    def _count(self, kind: str) -> str:
        self.injected[kind] = self.injected.get(kind, 0) + 1
        return kind


class RateLimiter:
    """Sliding-window budgets: ``{key: (count, window_seconds)}``."""

    def __init__(self, budgets: dict[str, tuple[int, float]] | None = None, clock=time.monotonic) -> None:
        self.lock = threading.Lock()
        self.clock = clock
        self.budgets = dict(budgets or {})
        self.hits: dict[str, deque[float]] = {}
        self.limited: dict[str, int] = {}

    def configure(self, budgets: dict[str, tuple[int, float]]) -> None:
        with self.lock:
            self.budgets = dict(budgets)
            self.hits.clear()

    def check(self, key: str) -> tuple[bool, int, int, int]:
        """Count one request. Returns (allowed, retry_after, limit, remaining)."""
        with self.lock:
            budget = self.budgets.get(key)
            if budget is None:
                return True, 0, 0, 0
            count, window = budget
            now = self.clock()
            hits = self.hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= count:
                self.limited[key] = self.limited.get(key, 0) + 1
                retry = max(1, math.ceil(hits[0] + window - now))
                return False, retry, count, 0
            hits.append(now)
            return True, 0, count, count - len(hits)
