"""Feedback's Celery task: thin, explicitly named, by id. It sends one event's email.

Queued with transaction.on_commit (services.feedback_event_record), so a rolled-back change
never emails. A mail server that is down is retried with backoff and jitter; the event is
claimed before sending, so a retry after a success sends nothing twice.
"""

from celery import shared_task

from integrations import gitlab

from . import emails


@shared_task(
    name="feedback.email_event",
    autoretry_for=(OSError,),  # smtplib.SMTPException and connection errors
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=6,
)
def email_event(event_id: int) -> int:
    return emails.send_event_email(event_id=event_id)


@shared_task(name="feedback.gitlab_push_event", **gitlab.PUSH_TASK_OPTIONS)
def gitlab_push_event(event_id: int) -> str:
    """File the item's issue, post its triage or a comment, or close it (claimed: never twice)."""
    from . import tracker

    return tracker.event_push(event_id=event_id)


@shared_task(name="feedback.gitlab_mirror", soft_time_limit=300, time_limit=360)
def gitlab_mirror() -> int:
    """Beat: bring the issues' comments and closings into the feedback items (idempotent)."""
    from . import tracker

    return tracker.feedback_mirror()
