"""Emails the portal sends to customers for an account (the Managing Support Contacts procedure).

Sending records the email, completes the step with the email as evidence and writes the audit
trail in one transaction; delivery happens after commit in a Celery task, which claims the row
with a conditional UPDATE so a repeated task never sends twice.
"""

import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from csmportal.versions import bump_accounts

from ..checklist_models import AccountEmail, ChecklistStep, EmailStatus, StepKind, StepStatus
from ..emails import is_single_line
from ..recipients import recipient_refusal
from . import account_event_record
from .checklists import StepError, _locked, _sync_completion

STALE_CLAIM = timedelta(minutes=10)  # a worker that died mid-send: its claim expires


class TransientEmailError(Exception):
    """The mail server could not take the email now; try again later."""


def checklist_email_send(
    *, step: ChecklistStep, actor: Any, to_email: str, subject: str, body: str, cc_sender: bool = False
) -> AccountEmail:
    """Queue the step's email, complete the step with it as evidence, deliver on commit."""
    if step.kind != StepKind.EMAIL:
        raise StepError("This step is not done by sending an email.")
    if not is_single_line(subject):
        raise StepError("The subject must be one line.")
    refusal = recipient_refusal(step.checklist.account, to_email, actor)
    if refusal:
        raise StepError(refusal)
    sender_email = getattr(actor, "email", "") or ""
    with transaction.atomic():
        step = _locked(step)
        account = step.checklist.account
        email = AccountEmail.objects.create(
            account=account,
            step=step,
            template=step.email_template,
            sent_by=actor if getattr(actor, "is_authenticated", False) else None,
            to_email=to_email.strip(),
            cc=[sender_email] if cc_sender and sender_email else [],
            reply_to=sender_email,
            subject=subject.strip(),
            body=body,
        )
        step.status = StepStatus.DONE
        step.completed_by = email.sent_by
        step.completed_at = timezone.now()
        step.email = email
        step.evidence = f"Emailed “{email.subject}” to {email.to_email}."
        step.save(update_fields=["status", "completed_by", "completed_at", "email", "evidence"])
        account_event_record(
            account=account,
            actor=actor,
            verb="checklist.email_sent",
            summary=f"Emailed “{email.subject}” to {email.to_email} for “{step.title}”.",
            detail={"checklist": step.checklist_id, "step": step.pk, "email": email.pk},
        )
        _sync_completion([step.checklist_id])
        from ..tasks import deliver_account_email

        email_id = email.pk
        transaction.on_commit(lambda: deliver_account_email.delay(email_id))
    return email


def account_email_deliver(*, email_id: int) -> bool:
    """Send a queued email once. Returns False when another worker has it or it is already sent."""
    now = timezone.now()
    claimed = AccountEmail.objects.filter(
        Q(status=EmailStatus.QUEUED) | Q(status=EmailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM),
        pk=email_id,
    ).update(status=EmailStatus.SENDING, claimed_at=now)
    if not claimed:
        return False
    email = AccountEmail.objects.get(pk=email_id)
    bump_accounts([email.account_id])
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        cc=email.cc or None,
        reply_to=[email.reply_to] if email.reply_to else None,
    )
    try:
        message.send(fail_silently=False)
    except BadHeaderError as exc:  # e.g. a line break in the subject: retrying cannot help
        account_email_fail(email_id=email_id, error=f"The email could not be built: {exc}")
        return False
    except smtplib.SMTPRecipientsRefused as exc:
        account_email_fail(email_id=email_id, error=f"The mail server refused the recipient: {exc}")
        return False
    except (smtplib.SMTPException, OSError) as exc:
        AccountEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.QUEUED, error=str(exc)[:1000], attempts=email.attempts + 1
        )
        bump_accounts([email.account_id])
        raise TransientEmailError(str(exc)) from exc
    AccountEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), error="", attempts=email.attempts + 1
    )
    bump_accounts([email.account_id])  # the step shows its email's status (csmportal.versions)
    return True


def account_email_fail(*, email_id: int, error: str) -> None:
    """Give up on an email: mark it failed and reopen the step it was evidence for."""
    with transaction.atomic():
        email = AccountEmail.objects.select_for_update().select_related("account").get(pk=email_id)
        if email.status == EmailStatus.SENT:
            return
        email.status = EmailStatus.FAILED
        email.error = error[:1000]
        email.save(update_fields=["status", "error"])
        account_event_record(
            account=email.account,
            actor=None,
            verb="checklist.email_failed",
            summary=f"The email “{email.subject}” to {email.to_email} could not be sent: {error}",
            detail={"email": email.pk, "step": email.step_id},
        )
        if email.step_id is None:
            return
        step = _locked(ChecklistStep(pk=email.step_id))
        if step.email_id == email.pk and step.status == StepStatus.DONE:
            step.status = StepStatus.PENDING
            step.completed_by = None
            step.completed_at = None
            step.evidence = ""
            step.save(update_fields=["status", "completed_by", "completed_at", "evidence"])
            _sync_completion([step.checklist_id])
