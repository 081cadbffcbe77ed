"""The "Before the cadence call" page's data: one account's last N days of support on one
screen - tickets, their best-practice gaps, satisfaction ratings and forwarded feedback.

Ticket quality findings come from the tickets app (`Ticket.quality_findings`: a list of
{"code", "outcome": pass|partial|missing|clear|flagged, "message", ...}). They are read
defensively: a finding is a gap unless it says it passed (pass/clear, or a true "passed"
flag); its title and advice come from the tickets app's check registry when the code is
known, else from whichever of the usual keys the finding has.
"""

import datetime as dt
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from accounts.models import Account
from csmportal.instances import hidden_keys
from tickets.links import open_tickets_url
from tickets.models import Ticket

from .models import OPEN_FEEDBACK, RATED_SCORES, Feedback, Rating, Score
from .trends import trend_from_ratings

PERIODS = (30, 90, 180)
DEFAULT_DAYS = 90
MAX_TICKETS = 500

# Outcomes that mean "not a gap" (tickets.review: pass / clear; other shapes: ok, met, ...).
_PASSED = {"pass", "passed", "clear", "ok", "met", "good", "true", "yes", "success", "none found"}


@dataclass(frozen=True)
class Gap:
    code: str
    label: str
    advice: str = ""


@dataclass
class GapSummary:
    gap: Gap
    tickets: list[int] = field(default_factory=list)


def known_checks() -> dict[str, tuple[str, str]]:
    """The tickets app's best-practice checks: code -> (the gap's label, advice for the customer)."""
    try:
        from tickets.review.checks import CHECKS

        return {str(code): (str(info.gap), str(info.advice)) for code, info in CHECKS.items()}
    except (ImportError, AttributeError, TypeError, ValueError):
        return {}


def _text(finding: dict, *keys: str) -> str:
    for key in keys:
        value = finding.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _passed(finding: dict) -> bool:
    for key in ("passed", "ok", "met", "pass"):
        if key in finding:
            value = finding[key]
            return value.strip().lower() in _PASSED if isinstance(value, str) else bool(value)
    for key in ("outcome", "status", "result"):
        if key in finding:
            return str(finding[key]).strip().lower() in _PASSED
    return False  # a finding that doesn't say it passed is something found


def finding_gaps(findings: Any, checks: dict[str, tuple[str, str]] | None = None) -> list[Gap]:
    """The best-practice gaps in a ticket's findings, whatever shape they come in."""
    if not isinstance(findings, list):
        return []
    checks = known_checks() if checks is None else checks
    gaps = []
    for finding in findings:
        if isinstance(finding, str) and finding.strip():
            gaps.append(Gap(finding.strip(), finding.strip()))
            continue
        if not isinstance(finding, dict) or _passed(finding):
            continue
        code = _text(finding, "code", "key", "id", "check", "name")
        title, advice = checks.get(code, ("", ""))
        label = title or _text(finding, "label", "title", "name", "message", "summary", "check") or code
        if not label:
            continue
        advice = advice or _text(
            finding, "advice", "prompt", "hint", "help", "note", "explanation", "description"
        )
        gaps.append(Gap(code or label, label, advice if advice != label else ""))
    return gaps


# What a ticket row shows (feedback.rows.cadence_ticket_rows) and its claim mark reads
# (accounts.claims.ticket_claim_unconfirmed): up to 500 tickets, each with its requester and
# organization, whose every other column (a dozen times, descriptions, JSON) cost more to load
# than the row costs to write. The findings come as `findings` (findings_without_evidence),
# the requester as `requester_name` and `requester_email`.
TICKET_ROW_FIELDS = (
    "zd_id",
    "zd_instance",
    "subject",
    "status",
    "priority",
    "quality_score",
    "zd_created_at",
    "account",
    "requester",
    "organization__account",
    "organization__name",
    "organization__domain_names",
    "organization__link_confirmed_at",
    "organization__link_confirmed_sf_id",
)


# Each finding without its evidence (quotes from the ticket: most of the findings' size, and
# nothing a gap reads), on PostgreSQL, as JSON text; a finding that is not an object, or
# findings that are not a list, as they are.
FINDINGS_WITHOUT_EVIDENCE = """(
CASE WHEN jsonb_typeof("tickets_ticket"."quality_findings") = 'array' THEN (
    SELECT coalesce(
        jsonb_agg(CASE WHEN jsonb_typeof(f) = 'object' THEN f - 'evidence' ELSE f END ORDER BY n),
        '[]'::jsonb
    )
    FROM jsonb_array_elements("tickets_ticket"."quality_findings") WITH ORDINALITY AS e(f, n)
) ELSE "tickets_ticket"."quality_findings" END)::text
"""


def findings_without_evidence() -> Any:
    """A ticket's quality findings as `ticket_gaps` reads them: on PostgreSQL the JSON text of
    the findings without their evidence, elsewhere the findings. 500 tickets' findings with their
    evidence took longer to decode than the rest of the page took to render."""
    if connection.vendor == "postgresql":
        return RawSQL(FINDINGS_WITHOUT_EVIDENCE, (), output_field=TextField())  # noqa: S611 (no parameters)
    return F("quality_findings")


def ticket_gaps(findings: Any, checks: dict[str, tuple[str, str]]) -> list[Gap]:
    """`finding_gaps` of what `findings_without_evidence` gave; JSON text is read once per
    process (a ticket's findings change when it is reviewed again, and so does their text)."""
    if isinstance(findings, str):
        return list(_gaps_of_text(findings))
    return finding_gaps(findings, checks)


@lru_cache(maxsize=4096)
def _gaps_of_text(text: str) -> tuple[Gap, ...]:
    return tuple(finding_gaps(json.loads(text), known_checks()))


@dataclass
class TicketRow:
    ticket: Ticket
    gaps: list[Gap]


def period_days(value: str | None) -> int:
    return int(value) if value and value.isdecimal() and int(value) in PERIODS else DEFAULT_DAYS


def cadence_tickets(account: Account, *, since: dt.datetime, user: Any = None) -> QuerySet[Ticket]:
    """The period's tickets as a row shows them, newest first, up to one more than shown (to
    tell that there are more)."""
    return (
        _period_tickets(account, since=since, user=user)
        .select_related("organization")  # its org may claim the account unconfirmed
        .only(*TICKET_ROW_FIELDS)
        .annotate(
            findings=findings_without_evidence(),
            requester_name=F("requester__name"),  # the requester's name, not a model per row
            requester_email=F("requester__email"),
        )[: MAX_TICKETS + 1]
    )


def _period_tickets(account: Account, *, since: dt.datetime, user: Any) -> QuerySet[Ticket]:
    return (
        Ticket.objects.visible_to(user)
        .live()
        .filter(account=account, zd_created_at__gte=since)
        .order_by("-zd_created_at")
    )


@dataclass
class TicketSection:
    """The tickets' part of the page, ready to print: their table's rows, how many, the gaps
    across them and their figures."""

    rows_html: SafeString  # feedback.rows.cadence_ticket_rows: every value escaped
    gap_rows_html: SafeString  # feedback.rows.cadence_gap_rows
    count: int
    truncated: bool
    gap_summary: list[GapSummary]
    with_gaps: int
    avg_quality: int | None


def ticket_section(tickets: list[Ticket], account: Account) -> TicketSection:
    from .rows import cadence_gap_rows, cadence_ticket_rows

    truncated = len(tickets) > MAX_TICKETS
    checks = known_checks()
    rows = [TicketRow(t, ticket_gaps(t.findings, checks)) for t in tickets[:MAX_TICKETS]]  # type: ignore[attr-defined]
    summaries: OrderedDict[str, GapSummary] = OrderedDict()
    for row in rows:
        for gap in row.gaps:
            summary = summaries.setdefault(gap.code, GapSummary(gap))
            if row.ticket.zd_id not in summary.tickets:
                summary.tickets.append(row.ticket.zd_id)
    scores = [r.ticket.quality_score for r in rows if r.ticket.quality_score is not None]
    gap_summary = sorted(summaries.values(), key=lambda s: (-len(s.tickets), s.gap.label.lower()))
    return TicketSection(
        rows_html=cadence_ticket_rows(rows, account),
        gap_rows_html=cadence_gap_rows(gap_summary),
        count=len(rows),
        truncated=truncated,
        gap_summary=gap_summary,
        with_gaps=sum(1 for r in rows if r.gaps),
        avg_quality=round(sum(scores) / len(scores)) if scores else None,
    )


# What a ticket's row shows, beside what the key holds (the account, the reader's language and
# clock): a digest of these, one query, tells whether the section cached for them still holds.
DIGEST_FIELDS = (
    "id", "zd_id", "subject", "status", "priority", "quality_score", "zd_created_at", "requester_id",
    "requester__name", "requester__email", "organization_id", "organization__account_id",
    "organization__name", "organization__domain_names", "organization__link_confirmed_at",
    "organization__link_confirmed_sf_id",
)  # fmt: skip
# A section is about 150 kB for 500 tickets, and every change to a shown ticket makes a new key:
# the cache (Redis, by default the broker's too) keeps each only as long as a meeting's preparation.
SECTION_SECONDS = 15 * 60
SECTION_VERSION = 2  # the cached section's shape: one more whenever TicketSection or its rows change


# The digest query's SQL, built and compiled once per process, database and set of instances
# hidden from the reader (building and compiling its two querysets cost more than running it):
# the account and the period's start are marks among its parameters, replaced per request.
ACCOUNT_MARK = 2_147_480_017  # no account's id
SINCE_MARK = dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
_digest_sql: dict[tuple[str, Any], tuple[str, tuple[Any, ...], list[int], list[int]]] = {}


def _digest_query(account_pk: int, since: dt.datetime, user: Any) -> tuple[str, list[Any]]:
    """The SQL of the open count, the shown count and the digest of the shown tickets, with the
    request's account and period start in it (PostgreSQL)."""
    key = (connection.alias, hidden_keys(user))
    compiled = _digest_sql.get(key)
    if compiled is None:
        compiled = _digest_sql[key] = _compile_digest(user)
    sql, params, account_at, since_at = compiled
    run = list(params)
    for i in account_at:
        run[i] = account_pk
    for i in since_at:
        run[i] = since
    return sql, run


def _compile_digest(user: Any) -> tuple[str, tuple[Any, ...], list[int], list[int]]:
    account: Any = Account(pk=ACCOUNT_MARK)
    open_tickets = Ticket.objects.visible_to(user).open().filter(account=account)
    shown = (
        _period_tickets(account, since=SINCE_MARK, user=user)
        .annotate(findings_md5=RawSQL('md5("tickets_ticket"."quality_findings"::text)', ()))
        .values_list(*DIGEST_FIELDS, "findings_md5")[: MAX_TICKETS + 1]
    )
    shown_sql, shown_params = shown.query.sql_with_params()
    open_sql, open_params = open_tickets.values("pk").query.sql_with_params()
    sql = (
        f"SELECT (SELECT count(*) FROM ({open_sql}) o), count(*), "  # noqa: S608 (Django's SQL)
        f"md5(coalesce(string_agg(s::text, '|'), '')) FROM ({shown_sql}) s"
    )
    params = (*open_params, *shown_params)
    account_at = [i for i, v in enumerate(params) if type(v) is int and v == ACCOUNT_MARK]
    since_at = [i for i, v in enumerate(params) if isinstance(v, dt.datetime) and v == SINCE_MARK]
    if len(account_at) != 2 or len(since_at) != 1:  # a value left out would stay as compiled
        raise RuntimeError("cadence digest: the account or the period's start is not a parameter")
    return sql, params, account_at, since_at


def cached_ticket_section(
    account: Account, *, since: dt.datetime, days: int, user: Any = None
) -> tuple[TicketSection, int]:
    """The tickets' section and the account's open tickets (every open one, whenever opened).

    500 tickets cost more to load and write than the rest of the page. The section is cached
    under a key made of what it shows: one query gives the open count and a digest (md5) of
    every shown ticket's columns, its findings, requester and organization (`DIGEST_FIELDS`),
    so any change to them is a new key; the key holds the rest (the account's fields its
    organizations' claims read, the reader's language and clock, the instances hidden from the
    reader). On a miss the tickets are loaded as before. Elsewhere than PostgreSQL: no cache."""
    if connection.vendor != "postgresql":
        tickets = list(cadence_tickets(account, since=since, user=user))
        open_tickets = Ticket.objects.visible_to(user).open().filter(account=account)
        return ticket_section(tickets, account), open_tickets.count()
    sql, params = _digest_query(account.pk, since, user)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        open_count, shown_count, digest = cursor.fetchone()
    parts = (
        SECTION_VERSION, account.pk, account.name, account.sf_id, account.sold_to_email, days,
        sorted(hidden_keys(user)), get_language(), timezone.get_current_timezone_name(),
        shown_count, digest,
    )  # fmt: skip
    key = "cadence-tickets:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    section = cache.get(key)
    if section is None:
        section = ticket_section(list(cadence_tickets(account, since=since, user=user)), account)
        cache.set(key, section, SECTION_SECONDS)
    return section, open_count


# What the page reads of a rating (its item and the trend) and of a feedback item (its row,
# `feedback.rows.cadence_feedback_row`, and the open count): not every column, nor the item's
# account and reviewing manager.
CADENCE_RATING_FIELDS = ("score", "zd_created_at", "zd_ticket_id", "zd_instance", "reason", "comment")
CADENCE_FEEDBACK_FIELDS = (
    "status",
    "sentiment",
    "summary",
    "customer_words",
    "outcome",
    "created_at",
    "first_response_due_at",
    "first_responded_at",
    "zd_ticket_id",
    "ticket__zd_id",
    "forwarded_by__name",
    "forwarded_by__email",
)


def cadence_report(
    account: Account, *, days: int, feedback: QuerySet[Feedback], user: Any = None
) -> dict[str, Any]:
    """Everything the page shows, in four queries whatever the number of rows (three when the
    tickets' section is cached: `cached_ticket_section`).

    `feedback` is the viewer's own scope (selectors.feedback_for_user): the page shows only
    the items the viewer may open. Tickets and ratings are those `user` (the viewer) may see
    (docs/instances.md, Access; no one given: of the instances that are not restricted).
    """
    now = timezone.now()
    since = now - dt.timedelta(days=days)
    tickets, open_tickets = cached_ticket_section(account, since=since, days=days, user=user)

    ratings = list(
        # Nothing on the page reads a rating's ticket (its number is on the rating).
        Rating.objects.visible_to(user)
        .filter(account=account, zd_created_at__gte=since, score__in=RATED_SCORES)
        .order_by("-zd_created_at")
        .values_list(*CADENCE_RATING_FIELDS, named=True)  # rows with those names, not models
    )
    items = list(
        feedback.filter(account=account)
        .filter(Q(created_at__gte=since) | Q(status__in=OPEN_FEEDBACK))
        .select_related(None)
        .select_related("ticket", "forwarded_by")
        .only(*CADENCE_FEEDBACK_FIELDS)
        .order_by("-created_at")
    )
    good = sum(1 for r in ratings if r.score == Score.GOOD)
    bad = len(ratings) - good
    return {
        "days": days,
        "since": since,
        "generated_at": now,
        "tickets": tickets,
        "gap_summary": tickets.gap_summary,
        "ratings": ratings,
        "trend": trend_from_ratings(ratings, since=timezone.localtime(since).date()),
        "feedback_items": items,
        "stats": {
            "tickets": f"{MAX_TICKETS}+" if tickets.truncated else tickets.count,
            # Every open ticket of the account, whenever opened: the number the account page,
            # the portfolio and the review show (Ticket.objects.open()), and its link lists them.
            "open_tickets": open_tickets,
            "open_tickets_url": open_tickets_url(account=account.pk),
            "with_gaps": tickets.with_gaps,
            "avg_quality": tickets.avg_quality,
            "good": good,
            "bad": bad,
            "satisfaction": round(100 * good / (good + bad)) if good + bad else None,
            "feedback": len(items),
            "feedback_open": sum(1 for i in items if i.status in OPEN_FEEDBACK),
        },
    }
