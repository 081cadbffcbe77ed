"""Celery tasks of the ticket review: thin, explicitly named, take ids, idempotent (acks_late).

Bound to the project's app (not `shared_task`), so they are sent with its configuration from
whichever thread the sync's signal arrives on.

Customer text is hostile, so a review task has time limits, and a ticket that cannot be
reviewed in time is recorded and skipped, never delivered again and again:

- soft limit: the ticket being reviewed is recorded as not reviewed (a finding says so, a
  warning is logged), the tickets before it are saved, and the ones after it go out again as a
  new task: each round finishes at least one ticket, so it ends.
- hard limit (the soft one could not interrupt, or the worker died): the message is
  acknowledged, not requeued (`reject_on_worker_lost=False`, overriding the project's
  default); a batch is split into one task per ticket, and a single ticket is recorded as not
  reviewed (from the worker's main process, which outlives the killed child).
"""

import logging
import random
from typing import Any

from billiard.exceptions import WorkerLostError
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.db import DatabaseError

from csmportal.celery import app

from . import services

log = logging.getLogger(__name__)

MAX_RETRIES = 5
# A batch of 1,000 ordinary tickets takes a few seconds; a ticket of 512 KB about half a second.
SOFT_TIME_LIMIT = 300
TIME_LIMIT = 360


def _backoff(retries: int) -> float:
    """Exponential backoff with full jitter: ~5 s, 10 s, 20 s, ... capped at 5 minutes."""
    return random.uniform(0.5, 1.0) * min(300.0, 5.0 * 2**retries)


class ReviewTask(Task):
    """The review tasks' common limits and their handling of a ticket that takes too long."""

    acks_late = True
    reject_on_worker_lost = False
    acks_on_failure_or_timeout = True
    max_retries = MAX_RETRIES
    soft_time_limit = SOFT_TIME_LIMIT
    time_limit = TIME_LIMIT

    def ticket_ids(self, args: Any, kwargs: Any) -> list[int]:
        raise NotImplementedError

    def refresh(self, ids: list[int]) -> int:
        raise NotImplementedError

    def run_review(self, ids: list[int]) -> int:
        try:
            return self.refresh(ids)
        except services.ReviewStopped as stopped:
            if stopped.rest:
                review_tickets.delay(stopped.rest)
            return 0
        except SoftTimeLimitExceeded:
            # Out of time outside a ticket's review (the database?): the next sync tries again.
            log.error("ticket review: %s ran out of time on %d ids; not retried", self.name, len(ids))
            return 0
        except DatabaseError as exc:
            raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """A hard time limit or a lost worker: split the batch, or record the single ticket."""
        if not isinstance(exc, TimeLimitExceeded | WorkerLostError):
            return
        ids = self.ticket_ids(args, kwargs)
        log.error("ticket review: %s killed (%s) on %d tickets", self.name, type(exc).__name__, len(ids))
        if len(ids) == 1:
            services.ticket_review_stopped(ticket_id=ids[0])
        else:
            for ticket_id in ids:
                review_tickets.delay([ticket_id])


class _TicketsTask(ReviewTask):
    def ticket_ids(self, args: Any, kwargs: Any) -> list[int]:
        return list(kwargs.get("ticket_ids") or (args[0] if args else []))

    def refresh(self, ids: list[int]) -> int:
        return services.ticket_reviews_refresh(ticket_ids=ids)


class _CommentsTask(ReviewTask):
    def ticket_ids(self, args: Any, kwargs: Any) -> list[int]:
        comment_ids = list(kwargs.get("comment_ids") or (args[0] if args else []))
        return services.ticket_ids_for_comments(comment_ids)

    def refresh(self, ids: list[int]) -> int:
        return services.ticket_reviews_refresh_for_comments(comment_ids=ids)


@app.task(name="tickets.review_tickets", base=_TicketsTask, bind=True)
def review_tickets(self: ReviewTask, ticket_ids: list[int]) -> int:
    """Recompute the best-practice review and SLA of tickets the sync created or changed."""
    return self.run_review(ticket_ids)


@app.task(name="tickets.review_comment_tickets", base=_CommentsTask, bind=True)
def review_comment_tickets(self: ReviewTask, comment_ids: list[int]) -> int:
    """Recompute the tickets whose comments the sync created or changed."""
    return self.run_review(comment_ids)
