"""Single flight per stream: a lock on the stream's SyncState row, claimed with a conditional
UPDATE (never check-then-act) and held by a short lease (SYNC_LOCK_SECONDS, 15 s) that a live
runner renews with every committed page and, while a page is slow, from a heartbeat thread
every third of the lease. If the runner dies (SIGKILL, lost machine) the lease runs out within
seconds and the next run takes over."""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from .models import SyncState

log = logging.getLogger(__name__)


def lease_seconds() -> int:
    return int(getattr(settings, "SYNC_LOCK_SECONDS", 15))


def claim(stream: str, *, seconds: int | None = None) -> str | None:
    """The lock's token, or None when another live run holds it."""
    SyncState.objects.get_or_create(stream=stream)
    token = secrets.token_hex(16)
    now = timezone.now()
    won = (
        SyncState.objects.filter(stream=stream)
        .filter(Q(lock_token="") | Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(lock_token=token, locked_until=now + timedelta(seconds=seconds or lease_seconds()))
    )
    return token if won else None


def extend(stream: str, token: str, *, seconds: int | None = None) -> bool:
    """Renew the lease; False when the lock is no longer ours."""
    until = timezone.now() + timedelta(seconds=seconds or lease_seconds())
    return bool(SyncState.objects.filter(stream=stream, lock_token=token).update(locked_until=until))


def release(stream: str, token: str) -> None:
    SyncState.objects.filter(stream=stream, lock_token=token).update(lock_token="", locked_until=None)


def held_until(stream: str) -> datetime | None:
    """When the live holder's lease ends (None when nobody holds the stream)."""
    return (
        SyncState.objects.filter(stream=stream, locked_until__gt=timezone.now())
        .exclude(lock_token="")
        .values_list("locked_until", flat=True)
        .first()
    )


def holder_alive(stream: str) -> bool:
    return (
        SyncState.objects.filter(stream=stream, locked_until__gt=timezone.now())
        .exclude(lock_token="")
        .exists()
    )


class LeaseKeeper:
    """Renews the lease every third of its length while a run waits or works."""

    def __init__(self, stream: str, token: str, seconds: int | None = None) -> None:
        self.stream, self.token = stream, token
        self.seconds = seconds or lease_seconds()
        self.stopped = threading.Event()
        self.lost = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"lease {stream}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()

    def _run(self) -> None:
        try:
            while not self.stopped.wait(max(self.seconds / 3, 0.2)):
                if not extend(self.stream, self.token, seconds=self.seconds):
                    log.warning("sync %s: lost its lock", self.stream)
                    self.lost.set()
                    return
        except Exception:  # the database went away: the page transactions will say so
            log.exception("sync %s: could not renew its lock", self.stream)
        finally:
            connections.close_all()
