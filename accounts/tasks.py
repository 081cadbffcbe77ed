"""Celery tasks of the accounts app: thin, named explicitly, taking ids."""

import random

from celery import shared_task

from .services.checklists import checklist_recheck
from .services.emails import TransientEmailError, account_email_deliver, account_email_fail


@shared_task(name="accounts.recheck_checklists", ignore_result=True)
def recheck_checklists(account_ids: list[int] | None = None) -> int:
    """Re-check the automatic onboarding steps (after a sync); idempotent."""
    return checklist_recheck(account_ids=account_ids)


@shared_task(name="accounts.deliver_email", bind=True, max_retries=5, ignore_result=True)
def deliver_account_email(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    """Deliver one queued account email; retries a busy mail server with backoff and jitter."""
    try:
        account_email_deliver(email_id=email_id)
    except TransientEmailError as exc:
        if self.request.retries >= self.max_retries:
            account_email_fail(email_id=email_id, error=str(exc))
            return
        countdown = min(3600, 30 * 2**self.request.retries) * random.uniform(0.8, 1.2)
        raise self.retry(exc=exc, countdown=countdown) from exc
