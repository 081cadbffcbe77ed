"""Writes on tickets: the review and effective SLA (recomputed in bulk), the education email."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.checklist_models import AccountEmail, EmailKind, EmailStatus, StepAction
from accounts.emails import is_single_line
from accounts.models import Account
from accounts.services import account_event_record
from accounts.services.checklists import checklist_action_done
from accounts.step_actions import Evidence
from accounts.tasks import deliver_account_email
from csmportal.versions import bump_accounts

from .education import education_recipients, may_send_education_email
from .models import Comment, Ticket, TicketGap
from .review import CHECKS, Attachment, Check, Message, Outcome, Result, TicketText, review
from .schedules import RegionClock, clocks_of, instance_clocks
from .sla import plan_of, policy_for

log = logging.getLogger(__name__)

BATCH = 500
AGENT_ROLES = ("agent", "admin")
# The first comment is the ticket's description when it was written at (about) the same time.
FIRST_COMMENT_WINDOW = dt.timedelta(minutes=5)

_TICKET_FIELDS = (
    "id",
    "zd_id",
    "zd_instance",
    "zd_requester_id",
    "subject",
    "description",
    "status",
    "priority",
    "preferred_region",
    "zd_created_at",
    "first_reply_due_at",
    "first_reply_at",
    "account__support_level",
    "organization__support_level",
)
_UPDATED_FIELDS = ["quality_score", "quality_findings", "quality_checked_at", "sla_due_at", "sla_replied_at"]


class ReviewStopped(Exception):
    """A ticket's review ran out of the task's time: it was recorded as not reviewed (and the
    tickets before it were saved); `rest` are the ids that were still to do."""

    def __init__(self, ticket_id: int, rest: list[int]) -> None:
        super().__init__(ticket_id)
        self.ticket_id = ticket_id
        self.rest = rest


NOT_REVIEWED = (
    "Not reviewed: checking this ticket's text took longer than the review's time limit, so it "
    "was skipped. Text too long to review in full."
)


SKIPPED_LOG = "ticket review: ticket %s skipped, its text took longer than the time limit to check"


def ticket_reviews_refresh(*, ticket_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Recompute the review (score, findings, gap rows) and the SLA of these tickets.

    Set-based: per batch of 500, one query for the tickets, one for their comments, one bulk
    update and one delete + bulk insert of gap rows. Idempotent. Returns how many were done.

    When the task's soft time limit strikes while a ticket is being reviewed, that ticket is
    recorded as not reviewed, the ones before it are saved, and ReviewStopped says what is left.
    """
    now = now or timezone.now()
    ids = sorted(set(ticket_ids))
    clocks = instance_clocks()  # each instance's regions' business hours: its schedules or built-in
    done = 0
    for n, batch in enumerate(_chunks(ids, BATCH)):
        try:
            done += _refresh_batch(batch, now, clocks)
        except ReviewStopped as stopped:
            stopped.rest += [i for later in _chunks(ids[(n + 1) * BATCH :], BATCH) for i in later]
            raise
    return done


def ticket_reviews_refresh_for_comments(*, comment_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Recompute the tickets these comments belong to (linked by Zendesk ticket ID)."""
    return ticket_reviews_refresh(ticket_ids=ticket_ids_for_comments(comment_ids), now=now)


def ticket_ids_for_comments(comment_ids: Iterable[int]) -> list[int]:
    keys = set(Comment.objects.filter(pk__in=list(comment_ids)).values_list("zd_instance", "zd_ticket_id"))
    same = Q()
    for instance in {i for i, _ in keys}:
        same |= Q(zd_instance=instance, zd_id__in=[n for i, n in keys if i == instance])
    return list(Ticket.objects.filter(same).values_list("pk", flat=True)) if keys else []


def ticket_review_stopped(*, ticket_id: int, now: dt.datetime | None = None) -> None:
    """Record that this ticket could not be reviewed in time: no score, one finding saying so."""
    Ticket.objects.filter(pk=ticket_id).update(
        quality_score=None, quality_findings=_not_reviewed(), quality_checked_at=now or timezone.now()
    )
    TicketGap.objects.filter(ticket_id=ticket_id).delete()
    bump_accounts(Ticket.objects.filter(pk=ticket_id).values_list("account_id", flat=True))
    log.warning(SKIPPED_LOG, ticket_id)


def _not_reviewed() -> list[dict[str, Any]]:
    return [Result(Check.DETAIL, Outcome.MISSING, 0, NOT_REVIEWED).as_dict()]


def _refresh_batch(ids: Sequence[int], now: dt.datetime, clocks: dict[str, dict[str, RegionClock]]) -> int:
    tickets = list(
        Ticket.objects.filter(pk__in=ids).select_related("account", "organization").only(*_TICKET_FIELDS)
    )
    if not tickets:
        return 0
    comments = _comments_by_ticket([(t.zd_instance, t.zd_id) for t in tickets])
    gaps: list[tuple[int, str]] = []
    stopped: Ticket | None = None
    done: list[Ticket] = []
    for ticket in tickets:
        text, first_reply = _ticket_text(ticket, comments.get((ticket.zd_instance, ticket.zd_id), []))
        policy = policy_for(
            plan=plan_of(ticket.account, ticket.organization),
            priority=ticket.priority or "",
            preferred_region=ticket.preferred_region or "",
            clocks=clocks_of(clocks, ticket.zd_instance),  # its own instance's schedules
        )
        ticket.sla_due_at = ticket.first_reply_due_at or policy.due_at(ticket.zd_created_at)
        ticket.sla_replied_at = ticket.first_reply_at or first_reply
        ticket.quality_checked_at = now
        done.append(ticket)
        try:
            result = review(text)
        except SoftTimeLimitExceeded:
            stopped = ticket
            ticket.quality_score = None
            ticket.quality_findings = _not_reviewed()
            break
        ticket.quality_score = result.score
        ticket.quality_findings = result.as_json()
        gaps.extend((ticket.pk, str(code)) for code in result.gaps)
    with transaction.atomic():
        _update_reviews(done)
        TicketGap.objects.filter(ticket_id__in=[t.pk for t in done]).delete()
        _insert_gaps(gaps)
    bump_accounts(t.account_id for t in done)  # the account page's review panel (csmportal.versions)
    if stopped is not None:
        log.warning(SKIPPED_LOG, stopped.pk)
        raise ReviewStopped(stopped.pk, [t.pk for t in tickets[len(done) :]])
    return len(tickets)


def _update_reviews(tickets: list[Ticket]) -> None:
    """One UPDATE per ticket, sent as a batch (executemany: pipelined on PostgreSQL). Django's
    bulk_update builds a CASE per field and row, which costs more than the review itself."""
    fields = [field for field in Ticket._meta.concrete_fields if field.name in _UPDATED_FIELDS]
    table = connection.ops.quote_name(Ticket._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(f.column or f.name)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {columns} WHERE id = %s"  # noqa: S608 (names from the model, values as params)
    rows = [[f.get_db_prep_save(getattr(t, f.attname), connection) for f in fields] + [t.pk] for t in tickets]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_gaps(gaps: list[tuple[int, str]]) -> None:
    if not gaps:
        return
    table = connection.ops.quote_name(TicketGap._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} (ticket_id, code) VALUES (%s, %s)", gaps)  # noqa: S608


def _comments_by_ticket(keys: list[tuple[str, int]]) -> dict[tuple[str, int], list[tuple[Any, ...]]]:
    """The comments of these tickets (by instance and Zendesk number), oldest first."""
    wanted = set(keys)
    rows = (
        Comment.objects.filter(
            zd_ticket_id__in={zd_id for _, zd_id in wanted}, zd_instance__in={i for i, _ in wanted}
        )
        .order_by("zd_ticket_id", "created_at", "zd_id")
        .values_list(
            "zd_instance",
            "zd_ticket_id",
            "zd_author_id",
            "author__role",
            "public",
            "body",
            "attachments",
            "created_at",
        )
    )
    grouped: dict[tuple[str, int], list[tuple[Any, ...]]] = defaultdict(list)
    for instance, *row in rows:
        key = (instance, row[0])
        if key in wanted:
            grouped[key].append(tuple(row))
    return grouped


def _attachments(raw: Any) -> tuple[Attachment, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        Attachment(str(a.get("file_name") or ""), str(a.get("content_type") or ""))
        for a in raw
        if isinstance(a, dict) and a.get("file_name")
    )


def _ticket_text(ticket: Ticket, rows: list[tuple[Any, ...]]) -> tuple[TicketText, dt.datetime | None]:
    """The review's input, and the first public reply by support (for the SLA)."""
    first_attachments: tuple[Attachment, ...] = ()
    if rows and _is_description(ticket, rows[0]):
        first_attachments = _attachments(rows[0][5])
        rows = rows[1:]
    messages = []
    first_reply = None
    for _zd_ticket, author_id, role, public, body, attachments, created_at in rows:
        # An author not synced yet counts as support when it is not the requester.
        by_agent = (
            role in AGENT_ROLES if role else author_id is not None and author_id != ticket.zd_requester_id
        )
        messages.append(Message(body or "", bool(public), by_agent, created_at, _attachments(attachments)))
        if by_agent and public and first_reply is None:
            first_reply = created_at
    text = TicketText(
        subject=ticket.subject,
        description=ticket.description,
        priority=ticket.priority,
        preferred_region=ticket.preferred_region,
        first_attachments=first_attachments,
        messages=tuple(messages),
    )
    return text, first_reply


def _is_description(ticket: Ticket, row: tuple[Any, ...]) -> bool:
    """The first comment is the ticket's description: written with the ticket, not by support."""
    _zd_ticket, author_id, role, _public, _body, _attachments, created_at = row
    by_requester = author_id is not None and author_id == ticket.zd_requester_id
    return created_at <= ticket.zd_created_at + FIRST_COMMENT_WINDOW and (
        by_requester or role not in AGENT_ROLES
    )


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def education_email_send(
    *,
    account: Account,
    sender: Any,
    to_email: str,
    subject: str,
    body: str,
    gaps: Sequence[str],
    copy_sender: bool = False,
    ticket: Ticket | None = None,
) -> AccountEmail:
    """Queue the education email in the account's outbox, note it in the audit trail, complete
    the onboarding step it satisfies with it as evidence, and deliver it after commit (the
    accounts app's delivery task claims and retries it). `ticket`: the email teaches from it."""
    if not may_send_education_email(sender, account):
        raise PermissionDenied("Only the account's CSM (or an admin) sends email to its customers.")
    allowed = {r.email.lower() for r in education_recipients(account, sender)}
    if to_email.strip().lower() not in allowed:
        raise PermissionDenied("The recipient is not one of this account's contacts.")
    if not is_single_line(subject):
        raise ValueError("The subject must be one line.")
    sender_email = getattr(sender, "email", "") or ""
    with transaction.atomic():
        email = AccountEmail.objects.create(
            account=account,
            kind=EmailKind.EDUCATION,
            sent_by=sender,
            to_email=to_email.strip(),
            cc=[sender_email] if copy_sender and sender_email else [],
            reply_to=sender_email,
            subject=subject.strip(),
            body=body,
        )
        titles = ", ".join(CHECKS[code].gap for code in gaps if code in CHECKS) or "general best practices"
        about = f" about ticket #{ticket.zd_id}" if ticket is not None else ""
        account_event_record(
            account=account,
            actor=sender,
            verb="tickets.education_email_sent",
            summary=f"Emailed ticket tips \u201c{email.subject}\u201d to {email.to_email}{about} ({titles}).",
            detail={
                "email": email.pk,
                "to": email.to_email,
                "gaps": list(gaps),
                **({"ticket": ticket.zd_id} if ticket is not None else {}),
            },
        )
        checklist_action_done(
            account_id=account.pk,
            action=StepAction.EDUCATION_EMAIL,
            evidence=education_evidence(email),
            actor=sender,
        )
        email_id = email.pk
        transaction.on_commit(lambda: deliver_account_email.delay(email_id))
    return email


def education_evidence(email: AccountEmail) -> Evidence:
    """An education email as a checklist step's evidence."""
    return Evidence(
        text=f"Emailed \u201c{email.subject}\u201d to {email.to_email}.",
        url=reverse("accounts:email_detail", args=[email.account_id, email.pk]),
        email_id=email.pk,
        by_id=email.sent_by_id,
    )


def education_emails_sent(account_ids: list[int]) -> dict[int, Evidence]:
    """The latest education email of each account that was not refused (a step's evidence)."""
    emails = (
        AccountEmail.objects.filter(account_id__in=account_ids, kind=EmailKind.EDUCATION)
        .exclude(status=EmailStatus.FAILED)
        .order_by("account_id", "-created_at", "-pk")
    )
    latest: dict[int, Evidence] = {}
    for email in emails:
        latest.setdefault(email.account_id, education_evidence(email))
    return latest
