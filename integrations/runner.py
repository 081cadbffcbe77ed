"""The sync runner: one stream, page by page, each page committed with its cursor.

    claim the stream's lock -> for each page: [upsert rows + resolve links + save cursor +
    count] in ONE transaction -> page_synced after commit -> ... -> stream_synced.

A crash loses at most the page in flight; the rerun starts from the saved cursor, and the
upserts make a page written twice harmless. The next page is fetched while the current one
is written (one page ahead, so memory stays flat however long the backfill).
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from csmportal.instances import GLOBAL
from csmportal.statistics import refresh_statistics

from . import locks
from .errors import CursorStalled, PermanentError, RateLimited, SyncError, TransientError
from .models import RunStatus, SyncRun, SyncState
from .records import Page
from .signals import page_synced, stream_synced
from .sql import execute
from .streams import PageResult, StreamSpec, get_stream

log = logging.getLogger(__name__)
T = TypeVar("T")
RUNS_KEPT = timedelta(days=30)  # older runs of a stream are deleted when it next succeeds
ABANDONED_NOTE = "The worker running this sync stopped; the next run carried on from its last saved page."


# PostgreSQL aborts one of two transactions that lock the same rows in a different order
# (deadlock detected) or conflict under serialization: a page's write and the review updating
# the same tickets. The page's transaction rolled back whole, so it simply runs again.
CONFLICT_SQLSTATES = {"40P01", "40001"}
CONFLICT_ATTEMPTS = 4


def _conflicted(exc: BaseException) -> bool:
    return any(getattr(e, "sqlstate", None) in CONFLICT_SQLSTATES for e in (exc, exc.__cause__))


def retrying_conflicts(write: Callable[[], T]) -> T:
    """Run ``write`` (one whole transaction) again after a deadlock or serialization failure,
    up to CONFLICT_ATTEMPTS times with a short jittered pause; any other error is raised."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return write()
        except Exception as exc:
            if attempt == CONFLICT_ATTEMPTS or not _conflicted(exc) or not connection.get_autocommit():
                raise  # inside an outer transaction the whole of it must be retried, not this
            log.warning("write aborted by a concurrent transaction (%s); attempt %s", exc, attempt + 1)
            time.sleep(random.uniform(0.05, 0.25) * attempt)
    raise AssertionError("unreachable")


class StreamBusy(SyncError):
    """Another run of the stream holds its lock (single flight)."""


class LockLost(PermanentError):
    """The lease ran out and another run took the stream over."""


def make_client(source: str, *, may_wait: bool, instance: str = GLOBAL) -> Any:
    """The client of a source (of one Zendesk instance)."""
    if source == "zendesk":
        from .zendesk import ZendeskClient

        return ZendeskClient.for_instance(instance, may_wait=may_wait)
    from .salesforce import SalesforceClient

    return SalesforceClient.from_settings(may_wait=may_wait)


class Prefetch:
    """Runs a page iterator in a thread, one page ahead of the writer."""

    _END = object()

    def __init__(self, pages: Iterator[Page[Any]], depth: int = 1) -> None:
        self.pages = pages
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._fetch, name="sync prefetch", daemon=True)

    def _put(self, item: Any) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _fetch(self) -> None:
        try:
            for page in self.pages:
                if not self._put(page):
                    return
            self._put(self._END)
        except BaseException as exc:  # handed to the writer, which raises it
            self._put(exc)
        finally:
            close = getattr(self.pages, "close", None)
            if close:
                close()
            connections.close_all()  # this thread's own connections (pacing)

    def __enter__(self) -> Iterator[Page[Any]]:
        self.thread.start()
        return self._iterate()

    def _iterate(self) -> Iterator[Page[Any]]:
        while True:
            item = self.queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


@dataclass
class Progress:
    """Handed to ``on_page`` after each committed page."""

    run: SyncRun
    page: Page[Any]
    result: PageResult


def _send_page_synced(stream: str, result: PageResult, instance: str = GLOBAL) -> None:
    """``stream`` is the stream's name (``zendesk.tickets``) whatever the instance, which
    receivers get as ``instance``."""
    for receiver, response in page_synced.send_robust(
        sender=SyncRun,
        stream=stream,
        instance=instance,
        created=result.created,
        updated=result.updated,
        deleted=result.deleted,
    ):
        if isinstance(response, Exception):
            log.error("page_synced receiver %r failed", receiver, exc_info=response)


def _send_stream_synced(stream: str, run: SyncRun, instance: str = GLOBAL) -> None:
    for receiver, response in stream_synced.send_robust(
        sender=SyncRun, stream=stream, instance=instance, run=run
    ):
        if isinstance(response, Exception):
            log.error("stream_synced receiver %r failed", receiver, exc_info=response)


def run_stream(
    name: str,
    *,
    full: bool = False,
    trigger: str = "command",
    user: Any = None,
    may_wait: bool = False,
    on_page: Callable[[Progress], None] | None = None,
    client: Any = None,
) -> SyncRun:
    """Run one stream (``name`` is its key: ``zendesk.tickets``, ``zendesk.tickets@usgov``) to
    the end of its source. Raises StreamBusy when it is already running; on failure the
    SyncRun says why and the error is raised for the caller (task or command). Each key has
    its own lock, state and runs: one instance's run never waits for or stops another's."""
    spec = get_stream(name)
    token = locks.claim(name)
    if token is None:
        raise StreamBusy(f"{name} is already running")
    try:
        with locks.LeaseKeeper(name, token):
            return _run(
                spec,
                token,
                full=full,
                trigger=trigger,
                user=user,
                may_wait=may_wait,
                on_page=on_page,
                client=client,
            )
    finally:
        locks.release(name, token)


def _run(
    spec: StreamSpec,
    token: str,
    *,
    full: bool,
    trigger: str,
    user: Any,
    may_wait: bool,
    on_page: Callable[[Progress], None] | None,
    client: Any,
) -> SyncRun:
    name = spec.stream
    now = timezone.now()
    # We hold the lock, so a run still marked running is one whose worker died.
    SyncRun.objects.filter(stream=name, status=RunStatus.RUNNING).update(
        status=RunStatus.ABANDONED, finished_at=now, error=ABANDONED_NOTE
    )
    state = SyncState.objects.get(stream=name)
    cursor = spec.full_cursor() if full else state.cursor
    watermark = state.watermark
    run = SyncRun.objects.create(
        stream=name,
        trigger=trigger[:20],
        triggered_by=user if getattr(user, "pk", None) else None,
        full=full,
        cursor_start=cursor,
    )
    SyncState.objects.filter(stream=name).update(requested_at=None)
    try:
        client = client or make_client(spec.source, may_wait=may_wait, instance=spec.instance)
        last_cursor = cursor
        with Prefetch(spec.pages(client, cursor)) as pages:
            for page in pages:
                if page.position and (watermark is None or page.position > watermark):
                    watermark = page.position
                result = retrying_conflicts(partial(_commit_page, spec, token, run, page, watermark))
                last_cursor = page.cursor
                if on_page is not None:
                    on_page(Progress(run, page, result))
        with transaction.atomic():
            spec.after_run()
            final = spec.finish_cursor(last_cursor, watermark)
            finished = timezone.now()
            if not SyncState.objects.filter(stream=name, lock_token=token).update(
                cursor=final,
                watermark=watermark,
                last_success_at=finished,
                synced_through=run.started_at,
                last_error="",
                stalled_at=None,
            ):
                raise LockLost(f"{name}: another run took the stream over")
            run.status, run.finished_at, run.cursor_end = RunStatus.SUCCEEDED, finished, final
            run.save(update_fields=["status", "finished_at", "cursor_end"])
            SyncRun.objects.filter(stream=name, started_at__lt=finished - RUNS_KEPT).delete()
            transaction.on_commit(partial(_send_stream_synced, spec.name, run, spec.instance))
        refresh_statistics(run.created + run.updated, spec.model)  # after a bulk load
        return run
    except RateLimited as exc:
        resume = timezone.now() + timedelta(seconds=exc.retry_after)
        _finish(run, RunStatus.RATE_LIMITED, str(exc), resume_at=resume)
        raise
    except CursorStalled as exc:
        _finish(run, RunStatus.STALLED, str(exc))
        SyncState.objects.filter(stream=name).update(stalled_at=timezone.now(), last_error=str(exc)[:2000])
        raise
    except BaseException as exc:
        message = str(exc) if isinstance(exc, SyncError) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, KeyboardInterrupt):
            message = "Interrupted."
        _finish(run, RunStatus.FAILED, message)
        SyncState.objects.filter(stream=name).update(last_error=message[:2000])
        if not isinstance(exc, SyncError | KeyboardInterrupt):
            log.exception("sync %s failed", name)
        raise


def _commit_page(
    spec: StreamSpec, token: str, run: SyncRun, page: Page[Any], watermark: datetime | None
) -> PageResult:
    name = spec.stream
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The page's rows and its cursor commit together or not at all; if PostgreSQL
            # itself crashed right after this commit, both would be lost together and the
            # next run would read the page again. So the commit need not wait for the flush.
            execute("SET LOCAL synchronous_commit TO OFF", [])
        result = spec.write(page)
        # The lease is renewed from the moment of this commit, not the page's start: a slow
        # write must not commit a lease that has already run out.
        saved = SyncState.objects.filter(stream=name, lock_token=token).update(
            cursor=page.cursor,
            watermark=watermark,
            locked_until=timezone.now() + timedelta(seconds=locks.lease_seconds()),
        )
        if not saved:
            raise LockLost(f"{name}: another run took the stream over; this page was not saved")
        counts = {
            "pages": 1,
            "fetched": len(page.records),
            "created": len(result.created),
            "updated": len(result.updated),
            "deleted": len(result.deleted),
        }
        changes: dict[str, Any] = {k: F(k) + v for k, v in counts.items()}
        changes.update(cursor_end=page.cursor, heartbeat_at=now)
        if page.expected is not None and run.expected is None:
            changes["expected"] = run.expected = page.expected
        if page.position is not None:
            run.position_at = max(run.position_at, page.position) if run.position_at else page.position
            changes["position_at"] = run.position_at
        SyncRun.objects.filter(pk=run.pk).update(**changes)
        for key, value in counts.items():
            setattr(run, key, getattr(run, key) + value)
        run.cursor_end, run.heartbeat_at = page.cursor, now
        transaction.on_commit(partial(_send_page_synced, spec.name, result, spec.instance))
    return result


def _finish(run: SyncRun, status: str, error: str, resume_at: datetime | None = None) -> None:
    run.status, run.error, run.finished_at, run.resume_at = status, error[:4000], timezone.now(), resume_at
    SyncRun.objects.filter(pk=run.pk).update(
        status=status, error=run.error, finished_at=run.finished_at, resume_at=resume_at
    )


__all__ = [
    "LockLost",
    "Progress",
    "StreamBusy",
    "TransientError",
    "make_client",
    "retrying_conflicts",
    "run_stream",
]
