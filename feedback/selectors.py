"""Reads of forwarded feedback, and who may do what with it.

Rules (tested in tests/feedback/test_permissions.py):
- Support managers (and admins) see the whole queue and work it: triage, action, close,
  reopen, reassign. Any manager may act on any item; the reviewing manager is who answers.
- A CSM sees the items they forwarded and the items on accounts they are the CSM of (a
  colleague may forward for them while they are away); they comment on those, nothing more.
  Other CSMs get a 403. Support ops have no part in feedback and see none.
- Only CSMs forward (always as themselves), on any account: the account's own CSM sees it too.
- An item about a ticket or rating of a restricted Zendesk instance, and such a rating or ticket
  itself, does not exist for anyone not cleared for that instance (docs/instances.md): it is
  left out of every list, count and CSV, and its page is a 404.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Account
from contacts.models import SupportUser
from csmportal.clearance import exclude_hidden, restricted_key
from csmportal.instances import GLOBAL, may_see, restricted_keys
from tickets.models import Ticket
from users.roles import ALL_ROLES, Role, has_role, require_role

from .models import OPEN_FEEDBACK, RATED_SCORES, Feedback, FeedbackEvent, FeedbackStatus, Rating


def is_manager(user: Any) -> bool:
    return has_role(user, Role.SUPPORT_MANAGER)


def can_forward(user: Any) -> bool:
    return has_role(user, Role.CSM)


# An item is about its ticket's instance, or its rating's (a rating's ticket may be missing).
# The item's own instance (of the ticket number it was forwarded with), its ticket's, its rating's.
ITEM_INSTANCE_FIELDS = ("zd_instance", "ticket__zd_instance", "rating__zd_instance")


def visible_feedback(queryset: QuerySet[Feedback], user: Any) -> QuerySet[Feedback]:
    """Leave out the items about a restricted instance the user is not cleared for."""
    return exclude_hidden(queryset, user, *ITEM_INSTANCE_FIELDS)


def feedback_for_user(user: Any) -> QuerySet[Feedback]:
    items = visible_feedback(
        Feedback.objects.select_related("account", "ticket", "forwarded_by", "reviewing_manager"), user
    )
    if is_manager(user):
        return items
    if has_role(user, Role.CSM):
        return items.filter(Q(forwarded_by=user) | Q(account__csm=user))
    return items.none()


def item_instance(item: Feedback) -> str | None:
    """The restricted instance an item is about (its ticket's or its rating's), else None; no
    query unless a restricted instance is configured."""
    if not restricted_keys():
        return None
    return restricted_key(
        item.zd_instance,
        item.ticket.zd_instance if item.ticket_id and item.ticket else None,
        item.rating.zd_instance if item.rating_id and item.rating else None,
    )


def can_view(user: Any, item: Feedback) -> bool:
    key = item_instance(item)
    if key and not may_see(user, key):
        return False
    if is_manager(user):
        return True
    if not has_role(user, Role.CSM):
        return False
    return item.forwarded_by_id == user.pk or item.account.csm_id == user.pk


def get_feedback_for_user(user: Any, pk: int) -> Feedback:
    """404 when it doesn't exist (or is about a restricted instance the user is not cleared
    for), 403 when it isn't the user's to see."""
    require_role(user, *ALL_ROLES)
    item = get_object_or_404(
        visible_feedback(Feedback.objects.all(), user).select_related(
            "account",
            "account__csm",
            "ticket",
            "ticket__requester",
            "rating",
            "rating__requester",
            "forwarded_by",
            "reviewing_manager",
        ),
        pk=pk,
    )
    if not can_view(user, item):
        raise PermissionDenied("This feedback was forwarded by another CSM, on an account that isn't yours.")
    return item


@dataclass(frozen=True)
class Actions:
    """What the user may do with one item right now (the page offers only these)."""

    triage: bool = False
    edit_triage: bool = False
    action: bool = False
    close: bool = False
    reopen: bool = False
    reassign: bool = False
    comment: bool = False


def actions_for(user: Any, item: Feedback) -> Actions:
    manager = is_manager(user)
    status = item.status
    return Actions(
        triage=manager and status == FeedbackStatus.NEW,
        edit_triage=manager and status in (FeedbackStatus.TRIAGED, FeedbackStatus.ACTIONED),
        action=manager and status == FeedbackStatus.TRIAGED,
        close=manager and status in (FeedbackStatus.TRIAGED, FeedbackStatus.ACTIONED),
        reopen=manager and status in (FeedbackStatus.ACTIONED, FeedbackStatus.CLOSED),
        reassign=manager and status in OPEN_FEEDBACK,
        comment=can_view(user, item),
    )


def feedback_timeline(item: Feedback) -> QuerySet[FeedbackEvent]:
    return item.events.select_related("actor")


# The queue's headline numbers over its scope's rows (`s`); every value is a parameter.
QUEUE_COUNTS = (
    "SELECT"
    " COUNT(*) FILTER (WHERE s.status = %s),"
    " COUNT(*) FILTER (WHERE s.status = ANY(%s)),"
    " COUNT(*) FILTER (WHERE s.waiting AND s.first_response_due_at < %s),"
    " COUNT(*) FILTER (WHERE s.waiting AND s.first_response_due_at >= %s AND s.first_response_due_at < %s),"
    " COUNT(*) FILTER (WHERE s.status = ANY(%s) AND s.reviewing_manager_id IS NULL),"
    " COUNT(*) FILTER (WHERE s.status = ANY(%s) AND s.reviewing_manager_id = %s)"
)
QUEUE_WAITING = "(q.first_responded_at IS NULL AND q.status <> %s) AS waiting"


def queue_counts(items: QuerySet[Feedback], user: Any) -> dict[str, int]:
    """Headline numbers of the user's scope, in one query: the scope's rows counted by one
    SELECT written here (six filtered counts built and compiled by the ORM cost more CPU than
    the rest of the queue's data)."""
    now = timezone.now()
    if connection.vendor != "postgresql":  # SQLite (`make run`'s default): no ANY(array)
        return _queue_counts_orm(items, user, now)
    columns = ("status", "first_responded_at", "first_response_due_at", "reviewing_manager_id")
    names = ("new", "open", "overdue", "due_soon", "unassigned", "mine")
    try:
        scope_sql, scope_params = items.order_by().values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # an empty scope (`.none()`)
        return dict.fromkeys(names, 0)
    open_statuses = [str(status) for status in OPEN_FEEDBACK]
    scope = f"({scope_sql}) AS q ({', '.join(columns)})"
    sql = f"{QUEUE_COUNTS} FROM (SELECT q.*, {QUEUE_WAITING} FROM {scope}) AS s"  # noqa: S608 (Django's SQL)
    params = (
        str(FeedbackStatus.NEW), open_statuses, now, now, now + dt.timedelta(days=1), open_statuses,
        open_statuses, user.pk, str(FeedbackStatus.CLOSED), *scope_params,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True))


def _queue_counts_orm(items: QuerySet[Feedback], user: Any, now: dt.datetime) -> dict[str, int]:
    """`queue_counts` through the ORM, for databases other than PostgreSQL."""
    waiting = Q(first_responded_at__isnull=True) & ~Q(status=FeedbackStatus.CLOSED)
    soon = Q(first_response_due_at__gte=now, first_response_due_at__lt=now + dt.timedelta(days=1))
    counts = items.order_by().aggregate(
        new=Count("pk", filter=Q(status=FeedbackStatus.NEW)),
        open=Count("pk", filter=Q(status__in=OPEN_FEEDBACK)),
        overdue=Count("pk", filter=waiting & Q(first_response_due_at__lt=now)),
        due_soon=Count("pk", filter=waiting & soon),
        unassigned=Count("pk", filter=Q(status__in=OPEN_FEEDBACK, reviewing_manager__isnull=True)),
        mine=Count("pk", filter=Q(status__in=OPEN_FEEDBACK, reviewing_manager=user.pk)),
    )
    return {k: v or 0 for k, v in counts.items()}


def forwarding_accounts(user: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Accounts to forward for: the CSM's own first, then every other account (pk, name)."""
    rows = Account.objects.live().order_by("name").values_list("pk", "name", "csm_id")
    mine = [(pk, name) for pk, name, csm_id in rows if csm_id == user.pk]
    others = [(pk, name) for pk, name, csm_id in rows if csm_id != user.pk]
    return mine, others


def find_ticket(zd_id: int, instance: str = GLOBAL, user: Any = None) -> Ticket | None:
    """The ticket with this number in this Zendesk instance, if `user` may see it
    (docs/instances.md, Access; no one given: if the instance is not restricted)."""
    tickets = Ticket.objects.visible_to(user).select_related("account", "requester")
    return tickets.filter(zd_id=zd_id, zd_instance=instance).first()


def ticket_search(text: str, *, account_id: int | None, limit: int = 8, user: Any = None) -> list[Ticket]:
    """Tickets (that `user` may see) whose subject contains the text: the chosen account's
    first, newest first."""
    text = text.strip()
    if len(text) < 3:
        return []
    tickets = Ticket.objects.visible_to(user).select_related("account").filter(subject__icontains=text)
    if account_id:
        tickets = tickets.filter(account_id=account_id)
    return list(tickets.order_by("-zd_created_at")[:limit])


def ratings_for_user(user: Any) -> QuerySet[Rating]:
    """Every role reads ratings (they are Zendesk's, not anyone's own)."""
    require_role(user, *ALL_ROLES)
    return exclude_hidden(
        Rating.objects.select_related("ticket", "account", "requester"), user, "zd_instance"
    )


def get_rating_for_forwarding(user: Any, pk: int) -> Rating:
    """A rating a CSM turns into feedback: 404 when unknown, 403 for anyone but a CSM."""
    if not can_forward(user):
        raise PermissionDenied("Only CSMs forward feedback to the support managers.")
    ratings = exclude_hidden(Rating.objects.select_related("ticket", "account"), user, "zd_instance")
    return get_object_or_404(ratings, pk=pk)


def forwarded_item_for_rating(rating: Rating) -> Feedback | None:
    return Feedback.objects.filter(rating=rating).first()


RECENT_RATING_DAYS = 90
RECENT_RATINGS_SHOWN = 6


def item_requester(item: Feedback) -> SupportUser | None:
    """Who the feedback is about: the ticket's requester, else the rated ticket's requester."""
    if item.ticket_id and item.ticket and item.ticket.requester_id:
        return item.ticket.requester
    if item.rating_id and item.rating and item.rating.requester_id:
        return item.rating.requester
    return None


def recent_ratings(item: Feedback, *, user: Any) -> tuple[list[Rating], list[Rating]]:
    """The ratings of the item's ticket (all of them, up to ten) and the account's other recent
    ratings (the last RECENT_RATING_DAYS days, up to RECENT_RATINGS_SHOWN), in one query."""
    since = timezone.now() - dt.timedelta(days=RECENT_RATING_DAYS)
    wanted = Q(account_id=item.account_id, zd_created_at__gte=since, score__in=RATED_SCORES)
    on_ticket: Any = Value(0)
    if item.ticket_id:
        wanted |= Q(ticket_id=item.ticket_id)
        on_ticket = Case(When(ticket_id=item.ticket_id, then=Value(1)), default=Value(0))
    rows: list[Any] = list(
        exclude_hidden(Rating.objects.filter(wanted), user, "zd_instance")
        .annotate(on_ticket=on_ticket)
        .order_by("-on_ticket", "-zd_created_at", "-pk")[: 10 + RECENT_RATINGS_SHOWN]
    )
    ticket = [r for r in rows if r.on_ticket][:10]
    others = [r for r in rows if not r.on_ticket][:RECENT_RATINGS_SHOWN]
    return ticket, others
