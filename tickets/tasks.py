"""Celery tasks of the ticket review: thin, explicitly named, take ids, idempotent (acks_late).

Bound to the project's app (not `shared_task`), so they are sent with its configuration from
whichever thread the sync's signal arrives on."""

import random

from django.db import DatabaseError

from csmportal.celery import app

from . import services

MAX_RETRIES = 5


def _backoff(retries: int) -> float:
    """Exponential backoff with full jitter: ~5 s, 10 s, 20 s, ... capped at 5 minutes."""
    return random.uniform(0.5, 1.0) * min(300.0, 5.0 * 2**retries)


@app.task(name="tickets.review_tickets", acks_late=True, max_retries=MAX_RETRIES, bind=True)
def review_tickets(self, ticket_ids: list[int]) -> int:
    """Recompute the best-practice review and SLA of tickets the sync created or changed."""
    try:
        return services.ticket_reviews_refresh(ticket_ids=ticket_ids)
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@app.task(name="tickets.review_comment_tickets", acks_late=True, max_retries=MAX_RETRIES, bind=True)
def review_comment_tickets(self, comment_ids: list[int]) -> int:
    """Recompute the tickets whose comments the sync created or changed."""
    try:
        return services.ticket_reviews_refresh_for_comments(comment_ids=comment_ids)
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
