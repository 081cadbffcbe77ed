"""Celery tasks of support-ops requests: thin, explicitly named, taking ids."""

import smtplib

from celery import shared_task

from integrations import gitlab

from . import emails, services, tracker


@shared_task(
    name="supportops.send_request_event_email",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)
def send_request_event_email(event_id: int) -> bool:
    return emails.send_event_email(event_id=event_id)


@shared_task(name="supportops.flag_stale_requests")
def flag_stale_requests() -> int:
    """Beat: flag requests done a day ago that Zendesk still doesn't show (idempotent)."""
    return len(services.ops_requests_flag_stale())


@shared_task(name="supportops.gitlab_push_event", **gitlab.PUSH_TASK_OPTIONS)
def gitlab_push_event(event_id: int) -> str:
    """File the request's issue, post a comment on it, or close it (claimed: never twice)."""
    return tracker.event_push(event_id=event_id)


@shared_task(name="supportops.gitlab_mirror", soft_time_limit=300, time_limit=360)
def gitlab_mirror() -> int:
    """Beat: bring the issues' comments and closings into the requests (idempotent)."""
    return tracker.ops_requests_mirror()
