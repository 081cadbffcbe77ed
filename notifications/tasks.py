"""Celery tasks of the notifications: thin, explicitly named, take ids, idempotent (acks_late)."""

import random

from celery import shared_task

from . import rule, sending

MAX_RETRIES = 6


def _backoff(retries: int) -> float:
    """Exponential backoff with full jitter: ~5 s, 10 s, 20 s, ... capped at 10 minutes."""
    return random.uniform(0.5, 1.0) * min(600.0, 5.0 * 2**retries)


@shared_task(name="notifications.process_new_tickets", acks_late=True, max_retries=MAX_RETRIES, bind=True)
def process_new_tickets(self, ticket_ids: list[int]) -> int:
    """Apply the rule to tickets the sync has just created (safe to repeat: unique rows)."""
    try:
        return len(rule.notifications_create_for_tickets(ticket_ids=ticket_ids).claimed)
    except Exception as exc:  # a database hiccup must not lose the notification
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(name="notifications.recheck_findings", acks_late=True)
def recheck_findings() -> int:
    """After an org/account sync: notify about recent tickets that have since been linked."""
    return len(rule.findings_recheck().claimed)


@shared_task(name="notifications.send_email", acks_late=True, max_retries=MAX_RETRIES, bind=True)
def send_email(self, notification_id: int) -> bool:
    final = self.request.retries >= self.max_retries
    try:
        return sending.notification_email_send(notification_id=notification_id, final_attempt=final)
    except sending.EmailNotSent as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(name="notifications.send_digest", acks_late=True, max_retries=MAX_RETRIES, bind=True)
def send_digest(self, user_id: int, delivery: str = "digest") -> int:
    final = self.request.retries >= self.max_retries
    try:
        return sending.digest_send(user_id=user_id, final_attempt=final, delivery=delivery)
    except sending.EmailNotSent as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(name="notifications.send_digests")
def send_digests() -> dict[str, int]:
    """Hourly (beat): one digest per person waiting for one (the daily ones in their morning);
    re-send emails whose task was lost."""
    people = sending.digest_recipients()
    for user_id in people:
        send_digest.delay(user_id)
    daily = sending.daily_digest_recipients()
    for user_id in daily:
        send_digest.delay(user_id, "daily")
    stuck = sending.stuck_immediate()
    for notification_id in stuck:
        send_email.delay(notification_id)
    return {
        "digests": len(people) + len(daily),
        "resent": len(stuck),
        "outbox_pruned": sending.outbox_prune(),
    }
