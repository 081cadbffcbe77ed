"""Celery tasks of support-ops requests: thin, explicitly named, taking ids."""

import smtplib

from celery import shared_task

from . import emails, services


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
