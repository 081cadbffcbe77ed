"""The notification rule: who hears about a newly seen ticket, claimed exactly once.

A ticket newly seen by the portal (webhook fetch or polling sync, whichever comes first)
notifies the CSM of its account and every portal user following the account, minus those who
muted it. Each (ticket, recipient) row is inserted with INSERT ... ON CONFLICT DO NOTHING
RETURNING: only the caller that inserted a row sends its email, so duplicate webhooks, the
polling sync, task retries and concurrent workers together notify once.

Not notified, and kept as a finding: deleted tickets, tickets without an organization or whose
organization is not linked to an account, and accounts with no CSM and no followers. A ticket of
a restricted Zendesk instance notifies only the people cleared for it (docs/instances.md); when
none of its would-be recipients is, it is a finding too (no recipient).
Not notified and not a finding: tickets opened before the notification window (see
`max_ticket_age`), so importing old tickets never floods anyone.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Organization
from csmportal.clearance import cleared_among, restricted_key
from tickets.models import Status, Ticket
from users.models import User
from users.roles import Role

from .models import (
    AccountWatch,
    Delivery,
    EmailStatus,
    Finding,
    FindingReason,
    Notification,
    NotificationPreference,
    Reason,
    WatchKind,
)


def max_ticket_age() -> timedelta:
    """Tickets opened longer ago than this notify nobody (a backfill must not flood CSMs)."""
    return timedelta(hours=getattr(settings, "NOTIFICATIONS_MAX_TICKET_AGE_HOURS", 24))


@dataclass(frozen=True)
class RuleResult:
    claimed: list[int]  # notification ids inserted by this call
    immediate: list[int]  # of those, the ones to email at once
    findings: dict[int, str]  # ticket id -> finding reason
    too_old: list[int]  # ticket ids outside the notification window


def notifications_create_for_tickets(*, ticket_ids: Sequence[int], now: datetime | None = None) -> RuleResult:
    """Apply the rule to tickets the portal has just seen; emails go out after commit."""
    from .tasks import send_email  # tasks import this module

    now = now or timezone.now()
    tickets = list(Ticket.objects.filter(pk__in=set(ticket_ids)).select_related("organization"))
    window_start = now - max_ticket_age()
    too_old = [t.pk for t in tickets if t.zd_created_at < window_start]
    tickets = [t for t in tickets if t.zd_created_at >= window_start]
    if not tickets:
        return RuleResult([], [], {}, too_old)

    findings: dict[int, str] = {}
    account_of: dict[int, int] = {}
    unresolved = [t for t in tickets if t.account_id is None and t.status != Status.DELETED]
    org_account = _org_accounts(
        (t.zd_instance, t.zd_organization_id) for t in unresolved if t.organization_id is None
    )
    for ticket in tickets:
        if ticket.status == Status.DELETED:
            findings[ticket.pk] = FindingReason.DELETED
            continue
        account_id = ticket.account_id
        if account_id is None and ticket.organization is not None:
            account_id = ticket.organization.account_id
        if account_id is None and ticket.organization is None:
            account_id = org_account.get((ticket.zd_instance, ticket.zd_organization_id or 0))
        if account_id is None:
            no_org = ticket.organization is None and ticket.zd_organization_id is None
            findings[ticket.pk] = (
                FindingReason.NO_ORGANIZATION if no_org else FindingReason.UNLINKED_ORGANIZATION
            )
            continue
        account_of[ticket.pk] = account_id

    recipients = _recipients_by_account(set(account_of.values()))
    delivery = _deliveries({uid for people in recipients.values() for uid, _ in people or []})
    instance_of = {t.pk: t.zd_instance for t in tickets}
    cleared = _cleared_for_restricted(tickets, account_of, recipients)
    rows: list[tuple[int, int, str, str, str]] = []
    for ticket_id, account_id in account_of.items():
        people = recipients.get(account_id)
        key = instance_of[ticket_id]
        if people is not None and key in cleared:
            people = [(user_id, reason) for user_id, reason in people if user_id in cleared[key]] or None
        if people is None:
            findings[ticket_id] = FindingReason.NO_RECIPIENT
        for user_id, reason in people or []:
            rows.append((ticket_id, user_id, reason, delivery.get(user_id, Delivery.IMMEDIATE), key))

    with transaction.atomic():
        claimed = _insert_claiming(rows, now)
        _record_findings(findings, now)
        notified = {row[0] for row in rows}
        if notified:
            Finding.objects.filter(ticket_id__in=notified, resolved_at__isnull=True).update(
                resolved_at=now, updated_at=now
            )
        immediate = [pk for pk, how in claimed if how == Delivery.IMMEDIATE]
        for pk in immediate:
            # robust: an unreachable broker must not undo the claim; the hourly sweep sends later.
            transaction.on_commit(_enqueue_email(send_email, pk), robust=True)
    return RuleResult([pk for pk, _ in claimed], immediate, findings, too_old)


def _enqueue_email(task: Any, notification_id: int) -> Callable[[], None]:
    def enqueue_email() -> None:  # a named function: robust on_commit logs its __qualname__
        task.delay(notification_id)

    return enqueue_email


def findings_recheck(*, now: datetime | None = None) -> RuleResult:
    """Re-apply the rule to open findings inside the window (an org got linked, a CSM assigned)."""
    now = now or timezone.now()
    ids = list(
        Finding.objects.filter(
            resolved_at__isnull=True,
            ticket__zd_created_at__gte=now - max_ticket_age(),
        )
        .exclude(reason=FindingReason.DELETED)
        .values_list("ticket_id", flat=True)[:5000]
    )
    return notifications_create_for_tickets(ticket_ids=ids, now=now)


def _cleared_for_restricted(
    tickets: list[Ticket],
    account_of: dict[int, int],
    recipients: dict[int, list[tuple[int, str]] | None],
) -> dict[str, set[int]]:
    """For each restricted instance among the tickets: who of their would-be recipients is
    cleared for it (one query per such instance; none when no ticket is of one)."""
    people_of: dict[str, set[int]] = {}
    for ticket in tickets:
        key = restricted_key(ticket.zd_instance)
        if key and ticket.pk in account_of:
            people_of.setdefault(key, set()).update(u for u, _ in recipients.get(account_of[ticket.pk]) or [])
    return {key: cleared_among(people, key) for key, people in people_of.items()}


def _org_accounts(orgs: Iterable[tuple[str, int | None]]) -> dict[tuple[str, int], int]:
    """(instance, Zendesk org id) -> account id, for tickets whose org was not resolved when they
    were saved (an org's number is unique per instance)."""
    wanted = {(instance, zd_id) for instance, zd_id in orgs if zd_id}
    if not wanted:
        return {}
    live = Organization.objects.live().filter(
        zd_id__in={zd_id for _, zd_id in wanted},
        zd_instance__in={instance for instance, _ in wanted},
        account__deleted_at__isnull=True,
    )
    rows = live.filter(account__isnull=False).values_list("zd_instance", "zd_id", "account_id")
    return {(i, zd_id): account_id for i, zd_id, account_id in rows if (i, zd_id) in wanted}


def _recipients_by_account(account_ids: set[int]) -> dict[int, list[tuple[int, str]] | None]:
    """account id -> [(user id, reason)]: the CSM and followers minus those who muted the account.

    Only active people holding a role count. None (rather than []) means nobody at all would
    hear about the account's tickets: a finding. Everyone having muted it is their choice.
    """
    if not account_ids:
        return {}
    # An account deleted in Salesforce notifies nobody (its tickets become findings).
    live = Account.objects.live().filter(pk__in=account_ids)
    csm_of = dict(live.filter(csm__isnull=False).values_list("pk", "csm_id"))
    watches: dict[int, list[tuple[int, str]]] = {}
    for account_id, user_id, kind in AccountWatch.objects.filter(account__in=live).values_list(
        "account_id", "user_id", "kind"
    ):
        watches.setdefault(account_id, []).append((user_id, kind))
    people = set(csm_of.values()) | {u for rows in watches.values() for u, _ in rows}
    allowed = set(
        User.objects.filter(pk__in=people, is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=Role.values))
        .values_list("pk", flat=True)
        .distinct()
    )
    result: dict[int, list[tuple[int, str]] | None] = {}
    for account_id in account_ids:
        found: dict[int, str] = {}
        csm_id = csm_of.get(account_id)
        if csm_id in allowed:
            found[csm_id] = Reason.CSM
        rows = watches.get(account_id, [])
        for user_id, kind in rows:
            if kind == WatchKind.FOLLOW and user_id in allowed:
                found.setdefault(user_id, Reason.FOLLOWER)
        muted = {user_id for user_id, kind in rows if kind == WatchKind.MUTE}
        result[account_id] = [(u, why) for u, why in found.items() if u not in muted] if found else None
    return result


def _deliveries(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(
        NotificationPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "delivery")
    )


_COLUMNS = (
    "ticket_id",
    "recipient_id",
    "reason",
    "delivery",
    "email_status",
    "claim_token",
    "attempts",
    "last_error",
    "created_at",
    "zd_instance",
)


def _insert_claiming(rows: list[tuple[int, int, str, str, str]], now: datetime) -> list[tuple[int, str]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the (id, delivery) of rows this call created."""
    if not rows:
        return []
    qn = connection.ops.quote_name
    table = qn(Notification._meta.db_table)
    columns = ", ".join(qn(c) for c in _COLUMNS)
    created_at = connection.ops.adapt_datetimefield_value(now)
    claimed: list[tuple[int, str]] = []
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(batch))
        params: list[Any] = []
        for ticket_id, user_id, reason, delivery, instance in batch:
            status = EmailStatus.NOT_EMAILED if delivery == Delivery.IN_APP else EmailStatus.PENDING
            params += [ticket_id, user_id, reason, delivery, status, "", 0, "", created_at, instance]
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {placeholders} "  # noqa: S608 (names are quoted model metadata)
            f"ON CONFLICT ({qn('ticket_id')}, {qn('recipient_id')}) DO NOTHING "
            f"RETURNING {qn('id')}, {qn('delivery')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            claimed += [(pk, how) for pk, how in cursor.fetchall()]
    return claimed


def _record_findings(findings: dict[int, str], now: datetime) -> None:
    if not findings:
        return
    Finding.objects.bulk_create(
        [
            Finding(ticket_id=tid, reason=reason, created_at=now, updated_at=now)
            for tid, reason in findings.items()
        ],
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["reason", "updated_at"],
    )
