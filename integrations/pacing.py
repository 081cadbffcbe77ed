"""Client-side pacing: send no more requests than a source's rate limit allows.

Zendesk counts requests in a sliding window (e.g. 10 incremental-export requests a minute,
for the whole account). Waiting for a 429 and its Retry-After wastes the window; instead each
request takes a slot in a window log shared by every worker (a row per budget, claimed under
a row lock), and waits - or, in a Celery worker, reschedules - until a slot is free. Slots are
stamped when the response arrives, which is never earlier than when the source counted the
request, so a paced client stays inside the source's window.

Budgets come from each Zendesk instance's rate limit (``settings.ZENDESK_RATE_LIMIT`` for the
instance ``global``, ``ZENDESK_<KEY>_RATE_LIMIT`` for another): ``"incremental=10/60,default=700/60"``.
Each instance has its own windows (Zendesk counts per account): ``zendesk.incremental`` for
``global`` (as before instances), ``zendesk.<key>.incremental`` for another.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from csmportal import instances
from csmportal.instances import GLOBAL

from .errors import RateLimited

log = logging.getLogger(__name__)
MARGIN = 0.02  # seconds added to a computed wait (clock granularity)


def parse_budgets(spec: str | None) -> dict[str, tuple[int, float]]:
    """``"incremental=10/60,default=700/60"`` -> ``{"incremental": (10, 60.0), ...}``."""
    budgets: dict[str, tuple[int, float]] = {}
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        key, _, value = part.partition("=")
        count, _, window = value.partition("/")
        try:
            budgets[key.strip()] = (int(count), float(window or 60))
        except ValueError:
            raise ValueError(f"bad rate limit {part!r}: expected KEY=COUNT/SECONDS") from None
        if budgets[key.strip()][0] < 1 or budgets[key.strip()][1] <= 0:
            raise ValueError(f"bad rate limit {part!r}: COUNT >= 1 and SECONDS > 0")
    return budgets


def zendesk_budgets(instance: str = GLOBAL) -> dict[str, tuple[int, float]]:
    """The budgets of one Zendesk instance (its configured rate limit)."""
    if instance == GLOBAL:
        return parse_budgets(getattr(settings, "ZENDESK_RATE_LIMIT", ""))
    return parse_budgets(instances.get(instance).rate_limit)


def zendesk_window(instance: str, budget: str) -> str:
    """The RateWindow key of an instance's budget: ``zendesk.incremental``, ``zendesk.usgov.incremental``."""
    return f"zendesk.{budget}" if instance == GLOBAL else f"zendesk.{instance}.{budget}"


@dataclass
class Slot:
    key: str
    taken_at: float


class Budget:
    """A sliding-window budget of ``count`` requests per ``window`` seconds, shared via the DB."""

    def __init__(
        self,
        key: str,
        count: int,
        window: float,
        *,
        may_wait: bool,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.key, self.count, self.window = key, count, window
        self.may_wait = may_wait
        self.clock, self.sleep = clock, sleep
        self.waited = 0.0

    def acquire(self) -> Slot:
        """Take a slot: wait for one (foreground) or raise RateLimited with the wait (worker)."""
        while True:
            taken, wait = self._try_take()
            if taken is not None:
                return Slot(self.key, taken)
            if not self.may_wait:
                raise RateLimited(f"the {self.key} budget ({self.count}/{self.window:g}s) is used up", wait)
            log.debug("pacing %s: waiting %.2fs", self.key, wait)
            self.sleep(wait)
            self.waited += wait

    def release(self, slot: Slot) -> None:
        """Restamp the slot with the time the answer arrived (the source counted it earlier)."""
        from .models import RateWindow

        with transaction.atomic():
            row = RateWindow.objects.select_for_update().filter(key=self.key).first()
            if row is None:
                return
            hits = list(row.hits)
            if slot.taken_at in hits:
                hits.remove(slot.taken_at)
                hits.append(self.clock())
                hits.sort()
                RateWindow.objects.filter(pk=row.pk).update(hits=hits)

    def _try_take(self) -> tuple[float | None, float]:
        """(stamp, 0) when a slot was taken; (None, seconds until one frees) otherwise."""
        from .models import RateWindow

        RateWindow.objects.get_or_create(key=self.key)
        with transaction.atomic():
            row = RateWindow.objects.select_for_update().get(key=self.key)
            now = self.clock()
            hits = sorted(h for h in row.hits if h > now - self.window)
            if len(hits) < self.count:
                hits.append(now)
                RateWindow.objects.filter(pk=row.pk).update(hits=hits)
                return now, 0.0
            return None, max(hits[-self.count] + self.window - now, 0.0) + MARGIN
