"""Celery tasks: one per stream (``integrations.sync.<stream>``, run by beat) and
``integrations.fetch_ticket`` (enqueued by the Zendesk webhook). Thin: the work is in
``runner.run_stream`` and ``services.ticket_fetch``.

- Zendesk instances: a Zendesk stream's task takes ``instance`` (default ``global``); beat
  schedules it once per configured instance, and each instance's run has its own lock,
  state, pacing and runs, so one instance failing or busy never holds another.

- Single flight: a stream already running makes the task a no-op (the lock says so), except
  that it looks once more just after the holder's lease ends: if the holder died (SIGKILL), the
  stream is taken over within seconds instead of at beat's next tick.
- Transient errors: retried with exponential backoff and full jitter.
- Rate limits: progress is saved page by page; the task is enqueued again for after
  ``Retry-After`` (a worker never sleeps on a rate limit).
- Permanent errors and a cursor that does not advance: recorded on the run, not retried.
"""

from __future__ import annotations

import logging
import math
import random
from typing import Any

from celery import Task, shared_task
from django.utils import timezone

from csmportal.instances import GLOBAL

from . import locks
from .errors import CursorStalled, PermanentError, RateLimited, TransientError
from .models import Stream, SyncState
from .runner import StreamBusy, run_stream
from .services import ticket_fetch
from .streams import stream_key

log = logging.getLogger(__name__)
RETRY_BASE = 30.0  # seconds before the first retry of a transient failure
RETRY_CAP = 15 * 60.0
MAX_RETRIES = 6


def retry_countdown(retries: int, base: float = RETRY_BASE, cap: float = RETRY_CAP) -> float:
    """Exponential backoff with jitter: about base * 2**retries (capped), +-50%."""
    return min(cap, base * 2**retries) * random.uniform(0.5, 1.5)


def _reschedule(task: Task, exc: RateLimited, **kwargs: Any) -> str:
    countdown = max(1, math.ceil(exc.retry_after))
    log.info("%s: rate limited; enqueued again in %ss", task.name, countdown)
    task.apply_async(kwargs=kwargs, countdown=countdown, expires=None)
    return "rescheduled"


def _look_again_after_lease(task: Task, stream: str, **kwargs: Any) -> bool:
    """Enqueue the task once more for just after the holder's lease ends. A live holder keeps
    renewing it (that second look is a no-op); a dead one's stream is taken over then."""
    until = locks.held_until(stream)
    if until is None:
        return False
    countdown = max(1.0, (until - timezone.now()).total_seconds() + 1.0)
    task.apply_async(kwargs={**kwargs, "looked_again": True}, countdown=countdown, expires=None)
    return True


def _instance(instance: str) -> dict[str, str]:
    """The task's instance argument: none for the global instance (called as before instances)."""
    return {} if instance == GLOBAL else {"instance": instance}


def _sync(
    task: Task,
    name: str,
    *,
    full: bool,
    trigger: str,
    user_id: int | None,
    looked_again: bool = False,
    instance: str = GLOBAL,
) -> str:
    from django.contrib.auth import get_user_model

    stream = stream_key(name, instance)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        run = run_stream(stream, full=full, trigger=trigger, user=user, may_wait=False)
    except ValueError as exc:  # an instance no longer configured (a task queued before a deploy)
        log.error("%s: %s", stream, exc)
        return "unknown"
    except StreamBusy:
        # The run under way serves a "sync now" pressed meanwhile: it reads to the end.
        SyncState.objects.filter(stream=stream).update(requested_at=None)
        if not looked_again and _look_again_after_lease(
            task, stream, full=full, trigger=trigger, user_id=user_id, **_instance(instance)
        ):
            log.info("%s: already running; looking again when its lease ends", stream)
            return "busy"
        log.info("%s: already running; skipped", stream)
        return "busy"
    except RateLimited as exc:
        return _reschedule(task, exc, full=full, trigger="rate limit", user_id=user_id, **_instance(instance))
    except CursorStalled as exc:
        log.error("%s: %s", stream, exc)
        return "stalled"
    except TransientError as exc:
        if task.request.retries >= MAX_RETRIES:
            log.error("%s: giving up after %s retries: %s", stream, task.request.retries, exc)
            return "failed"
        countdown = retry_countdown(task.request.retries)
        log.warning("%s: %s; retry in %.0fs", stream, exc, countdown)
        raise task.retry(
            exc=exc,
            countdown=countdown,
            max_retries=MAX_RETRIES,
            expires=None,
            kwargs={"full": full, "trigger": "retry", "user_id": user_id, **_instance(instance)},
        ) from exc
    except PermanentError as exc:
        log.error("%s: %s", stream, exc)
        return "failed"
    return f"{run.status}: {run.fetched} fetched, {run.created} created, {run.updated} updated"


def _sync_task(stream: str) -> Task:
    @shared_task(bind=True, name=f"integrations.sync.{stream}", acks_late=True, ignore_result=True)
    def sync(
        self: Task,
        full: bool = False,
        trigger: str = "beat",
        user_id: int | None = None,
        looked_again: bool = False,
        instance: str = GLOBAL,
    ) -> str:
        return _sync(
            self,
            stream,
            full=full,
            trigger=trigger,
            user_id=user_id,
            looked_again=looked_again,
            instance=instance,
        )

    sync.__doc__ = f"Sync the {stream} stream of one instance (single flight)."
    return sync


SYNC_TASKS: dict[str, Task] = {stream: _sync_task(stream) for stream in Stream.values}


@shared_task(bind=True, name="integrations.fetch_ticket", acks_late=True, ignore_result=True)
def fetch_ticket(self: Task, zd_ticket_id: int, instance: str = GLOBAL) -> str:
    """Fetch one Zendesk ticket (with SLA) of one instance and write it like a page of that
    instance's ticket stream."""
    try:
        result = ticket_fetch(zd_id=int(zd_ticket_id), instance=instance)
    except KeyError:
        log.error("fetch ticket %s: no Zendesk instance %r is configured", zd_ticket_id, instance)
        return "unknown instance"
    except RateLimited as exc:
        return _reschedule(self, exc, zd_ticket_id=zd_ticket_id, **_instance(instance))
    except TransientError as exc:
        if self.request.retries >= MAX_RETRIES:
            log.error("fetch ticket %s: giving up: %s", zd_ticket_id, exc)
            return "failed"
        raise self.retry(
            exc=exc, countdown=retry_countdown(self.request.retries, base=5.0), expires=None
        ) from exc
    except PermanentError as exc:
        log.error("fetch ticket %s: %s", zd_ticket_id, exc)
        return "failed"
    if result is None:
        return "not found"
    return f"created {len(result.created)}, updated {len(result.updated)}, deleted {len(result.deleted)}"
