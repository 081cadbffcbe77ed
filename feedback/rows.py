"""The feedback lists' rows, rendered in Python: each row's HTML written with `format_row`
(`csmportal.fast_html`: every value escaped as `format_html` and a template would escape it;
customer text masked before it is cut and escaped), its links built from routes reversed once,
each day written once. A list page of 50 rows through the template engine cost several times
the rest of the page (variable lookups, filters and badges per cell)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import get_language, pgettext

from accounts.claims import ticket_claim_unconfirmed
from accounts.mirror import DELETED_PERSON
from csmportal import instances
from csmportal.dates import day
from csmportal.fast_html import format_row
from csmportal.instances import GLOBAL
from csmportal.url_tags import fast_reverse
from tickets.models import Priority, Status, ticket_path
from tickets.review import mask

from .models import Feedback, FeedbackStatus, Rating, Score, Sentiment
from .templatetags.feedback_badges import due_badge, sentiment_badge, status_badge

DASH = "\u2014"
SCORE_CLASS = {Score.GOOD: "ok", Score.BAD: "bad"}
# The choices' labels, looked up as get_FOO_display() does (a value not among them as it is).
SENTIMENTS = dict(Sentiment.choices)
STATUSES = dict(FeedbackStatus.choices)
SCORES = dict(Score.choices)
TICKET_STATUSES = dict(Status.choices)
PRIORITIES = dict(Priority.choices)


def label(labels: dict[str, str], value: Any) -> Any:
    return labels.get(value, value)


def cut(text: str, length: int) -> str:
    """As the `truncatechars` filter: at most `length` characters, an ellipsis where it cut. A
    text short enough is returned as it is and an ASCII one cut by slicing (Truncator counts
    characters one by one to skip combining ones, which ASCII has none of)."""
    if len(text) <= length:
        return text
    if text.isascii():
        truncation, keep = _truncation(get_language(), length)
        return add_truncation_text(text[:keep], truncation)
    return Truncator(text).chars(length)


@lru_cache(maxsize=64)
def _truncation(language: str | None, length: int) -> tuple[str, int]:
    """The language's truncation text (as Truncator's) and how many characters it leaves."""
    truncation = pgettext("String to return when truncating text", "%(truncated_text)s…")
    return truncation, calculate_truncate_chars_length(length, truncation)


class Days:
    """`csmportal.dates.day` for the rows of one page: each day on the reader's clock, written
    once per process and language (`_day`); writing one costs more than the rest of its cell."""

    def __init__(self) -> None:
        self._language = get_language()
        self._zone = timezone.get_current_timezone()  # localtime() looks it up per call

    def __call__(self, value: dt.date | dt.datetime | None) -> str:
        if not value:
            return ""
        if isinstance(value, dt.datetime):
            value = (value.astimezone(self._zone) if timezone.is_aware(value) else value).date()
        return _day(value, self._language)


@lru_cache(maxsize=4096)
def _day(value: dt.date, language: str | None) -> str:
    """A date as `day` writes it in the active language (the argument keys the cache)."""
    return day(value)


LINK_MARK = 987_654_319  # a number no row has: where a link's number goes


class Links:
    """`fast_reverse` for the rows of one page: a route's address is split around its number
    once per page, and each link puts the row's number in (`fast_reverse` reads the URL conf
    and the script prefix, context-local values, on every call: a few links per row)."""

    def __init__(self) -> None:
        self._routes: dict[str, tuple[str, str] | None] = {}

    def __call__(self, view_name: str, number: Any) -> str:
        if view_name not in self._routes:
            parts = fast_reverse(view_name, [LINK_MARK]).split(str(LINK_MARK))
            self._routes[view_name] = (parts[0], parts[1]) if len(parts) == 2 else None
        route = self._routes[view_name]
        if route is None or type(number) is not int:
            return fast_reverse(view_name, [number])
        return f"{route[0]}{number}{route[1]}"


def _join(parts: Iterable[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part came from format_row


# The columns a queue row reads (`queue_items`): the items with their account, ticket and
# people took longer to load, every time and text column of five tables, than their rows take
# to write; and then five model instances per row (`select_related`) cost more than the row's
# HTML: the related columns a row shows are annotated on the item, one instance per row.
QUEUE_ROW_FIELDS = (
    "status",
    "sentiment",
    "customer_words",
    "first_response_due_at",
    "first_responded_at",
    "wants_manager_contact",
    "outcome",
    "action",
    "created_at",
    "zd_ticket_id",
    "zd_instance",
    "reviewing_manager",
)
QUEUE_ROW_RELATED = {
    "row_account": F("account__name"),
    "row_ticket": F("ticket__zd_id"),
    "row_forwarder_name": F("forwarded_by__name"),
    "row_forwarder_email": F("forwarded_by__email"),
    "row_manager_name": F("reviewing_manager__name"),
    "row_manager_email": F("reviewing_manager__email"),
}
# The same for a rating row (its `feedback_id` is annotated).
RATING_ROW_FIELDS = (
    "zd_created_at",
    "score",
    "zd_ticket_id",
    "comment",
    "reason",
    "zd_instance",
    "ticket",
    "account",
    "requester",
)
RATING_ROW_RELATED = {
    "row_ticket": F("ticket__zd_id"),
    "row_ticket_instance": F("ticket__zd_instance"),
    "row_subject": F("ticket__subject"),
    "row_account": F("account__name"),
    "row_requester_name": F("requester__name"),
    "row_requester_email": F("requester__email"),
}


def queue_items(items: QuerySet[Feedback]) -> QuerySet[Feedback]:
    """The items as a queue row reads them: its columns, and the related ones it shows annotated
    (`row_...`) instead of a model instance per relation."""
    return items.select_related(None).only(*QUEUE_ROW_FIELDS).annotate(**QUEUE_ROW_RELATED)


def rating_row_items(ratings: QuerySet[Rating]) -> QuerySet[Rating]:
    """The ratings as a rating row reads them (as `queue_items`)."""
    return ratings.select_related(None).only(*RATING_ROW_FIELDS).annotate(**RATING_ROW_RELATED)


def paginator_counting(count: Callable[[], int]) -> type[Paginator]:
    """A paginator whose list `count` counts (called once, when the page needs it): the list
    without the joins its rows' columns add (`queue_items`), or a count already known."""

    class Counting(Paginator):
        @cached_property
        def count(self) -> int:
            return count()

    return Counting


def _user_name(name: str | None, email: str | None) -> str | None:
    """`str(user)` (the name, else the email) from the annotated columns."""
    return name or email


def _queue_related(item: Feedback) -> tuple[str, int | None, Any, Any]:
    """An item's account name, ticket number, forwarder and reviewing manager (None if none) as
    its row writes them: from the columns `queue_items` annotates, or, for an item loaded
    otherwise, from its relations."""
    if not hasattr(item, "row_account"):
        return item.account.name, item.ticket_number, item.forwarded_by, item.reviewing_manager
    row: Any = item
    return (
        row.row_account,
        row.zd_ticket_id if row.row_ticket is None else row.row_ticket,
        _user_name(row.row_forwarder_name, row.row_forwarder_email),
        None
        if item.reviewing_manager_id is None
        else _user_name(row.row_manager_name, row.row_manager_email),
    )


def instance_cell(names: dict[str, str], key: str | None) -> SafeString | str:
    """The "Instance" cell where more than one instance is configured (`names`), else nothing."""
    return format_row('<td class="nowrap">{}</td>', instances.label(names, key) or DASH) if names else ""


def queue_rows(items: Iterable[Feedback], *, manager: bool) -> SafeString:
    """The `<tr>`s of the feedback queue (managers) or of a CSM's forwarded feedback."""
    days, links = Days(), Links()
    names = instances.labels()
    return _join(queue_row(item, manager=manager, days=days, names=names, links=links) for item in items)


def queue_row(
    item: Feedback,
    *,
    manager: bool,
    days: Days,
    names: dict[str, str] | None = None,
    links: Links | None = None,
) -> SafeString:
    url = (links or Links())("feedback:detail", item.pk)
    row_class = "fb-overdue" if item.is_overdue else ("fb-due-soon" if item.is_due_soon else "")
    wants = WANTS_MANAGER if item.wants_manager_contact else ""
    account, number, forwarded_by, reviewing_manager = _queue_related(item)
    last = _manager_cell(reviewing_manager) if manager else _outcome_cell(item)
    return format_row(
        '<tr class="{}"><td class="mono"><a href="{}">#{}</a></td>'
        '<td><a href="{}"><strong>{}</strong></a>{}'
        '<div class="small muted fb-snippet">{}</div></td>'
        '<td class="mono nowrap">{}</td>{}<td>{}</td><td>{}</td><td class="nowrap">{}</td>{}'
        '<td class="nowrap small">{}<div class="muted">{}</div></td></tr>',
        row_class,
        url,
        item.pk,
        url,
        account,
        wants,
        cut(mask(item.customer_words), 140),
        f"#{number}" if number else DASH,
        instance_cell(names or {}, item.zd_instance if number else None),
        sentiment_badge(item.sentiment, label(SENTIMENTS, item.sentiment)),
        status_badge(item.status, label(STATUSES, item.status)),
        due_badge(item),
        last,
        days(item.created_at),
        forwarded_by,
    )


WANTS_MANAGER = mark_safe(
    ' <span class="badge warn" title="The customer asks to be contacted by a manager">wants a manager</span>'
)
UNASSIGNED = mark_safe('<td><span class="badge warn">unassigned</span></td>')
WAITING = mark_safe('<td class="small"><span class="muted">Waiting for a manager</span></td>')
NO_COMMENT = mark_safe('<span class="muted">no comment</span>')
UNLINKED = mark_safe('<span class="badge warn">unlinked</span>')


def _manager_cell(reviewing_manager: Any) -> SafeString:
    if reviewing_manager is not None:
        return format_row("<td>{}</td>", reviewing_manager)
    return UNASSIGNED


def _outcome_cell(item: Feedback) -> SafeString:
    if item.outcome:
        return format_row('<td class="small">{}</td>', cut(item.outcome, 120))
    if item.status == "new":
        return WAITING
    return format_row(
        '<td class="small"><span class="muted">{}</span></td>', cut(item.action or "In progress", 120)
    )


def rating_rows(ratings: Iterable[Any], *, can_forward: bool, csrf_token: str, next_url: str) -> SafeString:
    """The `<tr>`s of the ratings list; a rating's `feedback_id` (annotated) links its item, and
    a CSM may forward a bad rating with a comment (a form with the CSRF token and the way back)."""
    forward = (csrf_token, next_url) if can_forward else None
    days, links = Days(), Links()
    names = instances.labels()
    return _join(rating_row(r, forward=forward, days=days, names=names, links=links) for r in ratings)


def rating_row(
    rating: Any,
    *,
    forward: tuple[str, str] | None,
    days: Days,
    names: dict[str, str] | None = None,
    links: Links | None = None,
) -> SafeString:
    links = links or Links()
    ticket, account, requester = _rating_related(rating)
    return format_row(
        '<tr><td class="nowrap">{}</td><td><span class="badge {}">{}</span></td>'
        '<td class="nowrap">{}</td>{}<td>{}<div class="small muted">{}</div></td><td>{}{}</td>'
        '<td class="no-print nowrap">{}</td></tr>',
        days(rating.zd_created_at),
        SCORE_CLASS.get(rating.score, ""),
        label(SCORES, rating.score),
        _rating_ticket(rating, ticket, links),
        instance_cell(names or {}, rating.zd_instance),
        _rating_account(rating, account, links),
        requester,
        (
            format_row('<div class="fb-text">{}</div>', cut(mask(rating.comment), 400))
            if rating.comment
            else NO_COMMENT
        ),
        format_row('<div class="small muted">Reason: {}</div>', rating.reason) if rating.reason else "",
        _rating_feedback(rating, forward, links),
    )


def _rating_related(rating: Any) -> tuple[tuple[int, str, str] | None, str | None, Any]:
    """A rating's ticket (number, instance, subject; None if none), account name (None if none)
    and requester ("" if none) as its row writes them: from the columns `rating_row_items`
    annotates, or, for a rating loaded otherwise, from its relations."""
    if not hasattr(rating, "row_ticket"):
        ticket = rating.ticket
        return (
            (ticket.zd_id, ticket.zd_instance, ticket.subject) if ticket else None,
            rating.account.name if rating.account else None,
            rating.requester or "",
        )
    requester = ""
    if rating.requester_id is not None:
        requester = rating.row_requester_name or rating.row_requester_email or DELETED_PERSON
    return (
        None
        if rating.ticket_id is None
        else (rating.row_ticket, rating.row_ticket_instance, rating.row_subject),
        None if rating.account_id is None else rating.row_account,
        requester,
    )


def ticket_url(ticket: Any) -> str:
    """A ticket's page: the global instance's from the route reversed once, another instance's
    at its own address (/tickets/<instance>/<number>/)."""
    return ticket_address(ticket.zd_id, ticket.zd_instance)


def ticket_address(zd_id: int, instance: str, links: Links | None = None) -> str:
    """`ticket_path` (a ticket's `get_absolute_url`), the global instance's route reversed once."""
    if instance == GLOBAL:
        return links("tickets:detail", zd_id) if links else fast_reverse("tickets:detail", [zd_id])
    return ticket_path(zd_id, instance)


def _rating_ticket(rating: Rating, ticket: tuple[int, str, str] | None, links: Links) -> SafeString | str:
    if ticket:
        zd_id, instance, subject = ticket
        return format_row(
            '<a class="mono" href="{}">#{}</a><div class="small muted">{}</div>',
            ticket_address(zd_id, instance, links),
            rating.zd_ticket_id,
            cut(mask(subject), 50),
        )
    if rating.zd_ticket_id:
        return format_row('<span class="mono">#{}</span>', rating.zd_ticket_id)
    return DASH


def _rating_account(rating: Rating, account: str | None, links: Links) -> SafeString:
    if account is not None:
        return format_row('<a href="{}">{}</a>', links("accounts:detail", rating.account_id), account)
    return UNLINKED


FORWARD_FORM = (
    '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    '<input type="hidden" name="next" value="{}">'
    '<button class="btn small" type="submit">Forward as feedback</button></form>'
)


def _rating_feedback(rating: Any, forward: tuple[str, str] | None, links: Links) -> SafeString | str:
    if rating.feedback_id:
        return format_row(
            '<a href="{}">Item #{}</a>',
            links("feedback:detail", rating.feedback_id),
            rating.feedback_id,
        )
    if forward and rating.can_become_feedback:
        csrf_token, next_url = forward
        return format_row(FORWARD_FORM, links("feedback:rating_forward", rating.pk), csrf_token, next_url)
    return ""


# -- before the cadence call ------------------------------------------------------------------

CLAIM_BADGE = ' <a class="badge warn" href="{}#claims">other organization, not confirmed</a>'
NO_GAPS = mark_safe('<span class="muted">none</span>')
OVERDUE = mark_safe(' <span class="badge bad">overdue</span>')


def cadence_ticket_rows(rows: Iterable[Any], account: Any) -> SafeString:
    """The `<tr>`s of the cadence page's tickets (`cadence.TicketRow`: a ticket and its gaps),
    a ticket whose organization claims the account unconfirmed marked as the account page does."""
    claim_badge = format_row(CLAIM_BADGE, fast_reverse("accounts:detail", [account.pk]))
    days = Days()
    names = instances.labels()
    gap_cells: dict[tuple[str, ...], SafeString] = {}
    unconfirmed: dict[int | None, bool] = {}  # per organization: the same answer for its tickets
    parts = []
    for row in rows:
        ticket = row.ticket
        if ticket.organization_id not in unconfirmed:
            unconfirmed[ticket.organization_id] = ticket_claim_unconfirmed(ticket, account)
        labels = tuple(gap.label for gap in row.gaps)
        gaps = gap_cells.get(labels)
        if gaps is None:  # tickets share a few combinations of gaps: each written once
            gaps = gap_cells[labels] = (
                _join(format_row('<span class="badge warn">{}</span> ', cut(label, 40)) for label in labels)
                if labels
                else NO_GAPS
            )
        parts.append(
            format_row(
                '<tr><td class="mono"><a href="{}">{}</a></td>{}'
                '<td>{}{}<div class="small muted">{}</div></td>'
                '<td class="nowrap">{}</td><td>{}</td><td>{}</td><td class="num">{}</td>'
                '<td class="small">{}</td></tr>',
                ticket_url(ticket),
                ticket.zd_id,
                instance_cell(names, ticket.zd_instance),
                cut(mask(ticket.subject or "") or "(no subject)", 90),
                claim_badge if unconfirmed[ticket.organization_id] else "",
                requester_name(ticket),
                days(ticket.zd_created_at),
                label(TICKET_STATUSES, ticket.status),
                label(PRIORITIES, ticket.priority) or DASH,
                DASH if ticket.quality_score is None else ticket.quality_score,
                gaps,
            )
        )
    return _join(parts)


GAP_ROW = '<tr><td><strong>{}</strong>{}</td><td class="num">{}</td><td class="small mono">{}{}</td></tr>'
GAP_TICKETS_SHOWN = 12


def cadence_gap_rows(summaries: Iterable[Any]) -> SafeString:
    """The `<tr>`s of the gaps across the tickets (`cadence.GapSummary`: a gap and the numbers of
    its tickets, the first twelve listed)."""
    return _join(
        format_row(
            GAP_ROW,
            summary.gap.label,
            format_row('<div class="small muted">{}</div>', summary.gap.advice) if summary.gap.advice else "",
            len(summary.tickets),
            ", ".join(f"#{number}" for number in summary.tickets[:GAP_TICKETS_SHOWN]),
            " \u2026" if len(summary.tickets) > GAP_TICKETS_SHOWN else "",
        )
        for summary in summaries
    )


def requester_name(ticket: Any) -> str:
    """As `{{ ticket.requester|default:"" }}`, from the names the cadence report annotates
    (`requester_name`, `requester_email`) when it did."""
    if not ticket.requester_id:
        return ""
    if hasattr(ticket, "requester_name"):
        return ticket.requester_name or ticket.requester_email or DELETED_PERSON
    return str(ticket.requester)


def cadence_feedback_rows(items: Iterable[Feedback]) -> SafeString:
    """The `<tr>`s of the feedback forwarded on the account."""
    days = Days()
    return _join(cadence_feedback_row(item, days) for item in items)


def cadence_feedback_row(item: Feedback, days: Days) -> SafeString:
    number = item.ticket_number
    if item.summary:
        text = format_row("<div>{}</div>", cut(item.summary, 200))
    else:
        text = format_row('<div class="muted">{}</div>', cut(mask(item.customer_words), 160))
    outcome = (
        format_row('<div class="small"><strong>Outcome:</strong> {}</div>', cut(item.outcome, 240))
        if item.outcome
        else ""
    )
    return format_row(
        '<tr><td class="mono"><a href="{}">#{}</a>{}</td>'
        '<td class="nowrap">{}<div class="small muted">{}</div></td>'
        "<td>{}</td><td>{}{}</td><td>{}{}</td></tr>",
        fast_reverse("feedback:detail", [item.pk]),
        item.pk,
        format_row('<div class="small muted">ticket #{}</div>', number) if number else "",
        days(item.created_at),
        item.forwarded_by,
        sentiment_badge(item.sentiment, label(SENTIMENTS, item.sentiment)),
        status_badge(item.status, label(STATUSES, item.status)),
        OVERDUE if item.is_overdue else "",
        text,
        outcome,
    )


def cadence_rating_items(ratings: Iterable[Any]) -> SafeString:
    """The `<li>`s of the ratings worth talking about: bad ones, and any with a comment (ratings,
    or rows of their `CADENCE_RATING_FIELDS`)."""
    days = Days()
    names = instances.labels()  # {} with one instance: the number alone
    return _join(
        format_row(
            '<li><span class="badge {}">{}</span> <span class="small muted">{} · #{}{}{}</span>{}</li>',
            "ok" if rating.score == Score.GOOD else "bad",
            label(SCORES, rating.score),
            days(rating.zd_created_at),
            rating.zd_ticket_id,
            format_row(" ({})", instances.label(names, rating.zd_instance)) if names else "",
            format_row(" · {}", rating.reason) if rating.reason else "",
            format_row('<div class="fb-text">{}</div>', mask(rating.comment)) if rating.comment else "",
        )
        for rating in ratings
        if rating.comment or rating.score == Score.BAD
    )
