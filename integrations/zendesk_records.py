"""Zendesk JSON -> typed records. Pure functions (no HTTP), shared by the bulk exports (JSON)
and the single-ticket fetch (zenpy object turned into the same dict)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from .records import (
    CommentRecord,
    OrganizationRecord,
    RatingRecord,
    ScheduleRecord,
    SupportUserRecord,
    TicketRecord,
)
from .zendesk_timezones import iana_zone

REGION_FIELD_TITLE = "Preferred Region for Support"
# The portal's PreferredRegion values, and the option names Zendesk shows for them.
REGIONS = {
    "all_regions": "All Regions",
    "americas_usa": "Americas USA",
    "asia_pacific": "Asia Pacific",
    "europe_middle_east_africa": "Europe Middle East Africa",
}
REGION_BY_NAME = {name.casefold(): value for value, name in REGIONS.items()}
TICKET_STATUSES = {"new", "open", "pending", "hold", "solved", "closed", "deleted"}
PRIORITIES = {"urgent", "high", "normal", "low"}
SCORES = {"good", "bad", "offered", "unoffered"}


def parse_dt(value: Any) -> datetime | None:
    """Zendesk's ``2026-01-31T12:34:56Z`` (or a unix time) -> aware UTC datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def text(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def region_value(raw: Any) -> str:
    """A region option's value as the portal stores it ("" when unknown)."""
    if raw in (None, ""):
        return ""
    value = str(raw)
    if value in REGIONS:
        return value
    return REGION_BY_NAME.get(value.casefold(), "")


def first_reply_sla(slas: Any, now: datetime) -> tuple[str, datetime | None]:
    """(sla_state, first_reply_due_at) from ``slas.policy_metrics`` (``include=slas``)."""
    metrics = (slas or {}).get("policy_metrics") or [] if isinstance(slas, dict) else []
    for metric in metrics:
        if metric.get("metric") != "first_reply_time":
            continue
        due = parse_dt(metric.get("breach_at"))
        stage = metric.get("stage")
        if stage == "achieved":
            return "met", due
        if due is None:
            return "due", None
        return ("breached" if due <= now else "due"), due
    return "", None


def parse_ticket(data: dict[str, Any], *, region_field_id: int | None, now: datetime) -> TicketRecord:
    region = ""
    if region_field_id is not None:
        for entry in data.get("custom_fields") or ():
            if entry.get("id") == region_field_id:
                region = region_value(entry.get("value"))
                break
    sla_state, due = first_reply_sla(data.get("slas"), now)
    created = parse_dt(data.get("created_at")) or now
    updated = parse_dt(data.get("updated_at")) or created
    status = text(data.get("status")) or "new"
    priority = text(data.get("priority"))
    return TicketRecord(
        zd_id=int(data["id"]),
        zd_organization_id=_int(data.get("organization_id")),
        zd_requester_id=_int(data.get("requester_id")),
        subject=text(data.get("subject") or data.get("raw_subject")),
        description=text(data.get("description")),
        status=status if status in TICKET_STATUSES else "open",
        priority=priority if priority in PRIORITIES else "",
        ticket_type=text(data.get("type")),
        preferred_region=region,
        tags=[str(tag) for tag in data.get("tags") or ()],
        via_channel=text((data.get("via") or {}).get("channel")),
        zd_created_at=created,
        zd_updated_at=updated,
        generated_timestamp=int(data.get("generated_timestamp") or updated.timestamp()),
        sla_policy="",  # Zendesk's slas sideload names metrics, not the policy
        sla_state=sla_state,
        first_reply_due_at=due,
    )


def parse_organization(data: dict[str, Any], names: dict[str, str] | None = None) -> OrganizationRecord:
    """``names``: logical field -> the instance's organization field key (None: the defaults,
    which are the logical names themselves); an unmapped field reads as empty."""
    values = data.get("organization_fields") or {}

    def field(logical: str) -> Any:
        key = logical if names is None else names.get(logical)
        return values.get(key) if key else None

    return OrganizationRecord(
        zd_id=int(data["id"]),
        name=text(data.get("name")),
        domain_names=[str(d) for d in data.get("domain_names") or ()],
        notes=text(data.get("notes")),
        details=text(data.get("details")),
        tags=[str(t) for t in data.get("tags") or ()],
        salesforce_id=text(field("salesforce_id")).strip(),
        am_project_id=text(field("am_project_id")),
        cmp_id=text(field("cmp_id")),
        cmp_developers=text(field("cmp_developers")),
        support_level=text(field("support_level")),
        org_region=text(field("org_region")),
        technical_account_manager=text(field("technical_account_manager")),
        zd_created_at=parse_dt(data.get("created_at")),
        zd_updated_at=parse_dt(data.get("updated_at")),
        deleted_at=parse_dt(data.get("deleted_at")),
    )


def parse_user(data: dict[str, Any]) -> SupportUserRecord:
    """A Zendesk user. ``active: false`` means deleted in Zendesk (the exports keep deleted
    users): the record then carries no personal data, whatever the export still shows."""
    active = bool(data.get("active", True))
    updated = parse_dt(data.get("updated_at"))
    email = text(data.get("email")).strip() if active else ""
    return SupportUserRecord(
        zd_id=int(data["id"]),
        zd_organization_id=_int(data.get("organization_id")),
        name=text(data.get("name")) if active else "",
        email=email,
        email_key=email.lower(),
        role=text(data.get("role")) or "end-user",
        active=active,
        suspended=bool(data.get("suspended", False)),
        zd_created_at=parse_dt(data.get("created_at")),
        zd_updated_at=updated,
        deleted_at=None if active else (updated or datetime.now(UTC)),
    )


def _attachment(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": a.get("id"),
        "file_name": text(a.get("file_name")),
        "content_type": text(a.get("content_type")),
        "size": a.get("size"),
        "content_url": text(a.get("content_url")),
    }


def parse_comment_events(events: list[dict[str, Any]]) -> tuple[list[CommentRecord], int]:
    """Comments in a page of the ticket event export (``include=comment_events``).

    Returns (comments, events that carried no comment).
    """
    comments: list[CommentRecord] = []
    skipped = 0
    for event in events:
        found = False
        for child in event.get("child_events") or ():
            if child.get("event_type") != "Comment" and child.get("type") != "Comment":
                continue
            if "body" not in child and "plain_body" not in child:
                continue  # a comment event without its text (no include=comment_events)
            found = True
            created = parse_dt(child.get("created_at")) or parse_dt(event.get("created_at"))
            comments.append(
                CommentRecord(
                    zd_id=int(child["id"]),
                    zd_ticket_id=int(event["ticket_id"]),
                    zd_author_id=_int(child.get("author_id")) or _int(event.get("updater_id")),
                    public=bool(child.get("public", True)),
                    body=text(
                        child.get("body") if child.get("body") is not None else child.get("plain_body")
                    ),
                    attachments=[_attachment(a) for a in child.get("attachments") or ()],
                    created_at=created or datetime.now(UTC),
                )
            )
        if not found:
            skipped += 1
    return comments, skipped


def parse_rating(data: dict[str, Any]) -> RatingRecord:
    created = parse_dt(data.get("created_at")) or datetime.now(UTC)
    score = text(data.get("score"))
    return RatingRecord(
        zd_id=int(data["id"]),
        zd_ticket_id=_int(data.get("ticket_id")),
        zd_organization_id=_int(data.get("organization_id")),
        zd_requester_id=_int(data.get("requester_id")),
        score=score if score in SCORES else "offered",
        comment=text(data.get("comment")),
        reason=text(data.get("reason")),
        zd_created_at=created,
        zd_updated_at=parse_dt(data.get("updated_at")) or created,
    )


def parse_schedule(data: dict[str, Any], holidays: list[dict[str, Any]]) -> ScheduleRecord:
    """A schedule and its holidays. Intervals that are not whole-minute pairs are dropped;
    a holiday without a readable start date is dropped (the end defaults to the start)."""
    intervals = sorted(
        [start, end]
        for start, end in (
            (_int(i.get("start_time")), _int(i.get("end_time")))
            for i in data.get("intervals") or ()
            if isinstance(i, dict)
        )
        if start is not None and end is not None
    )
    days = []
    for holiday in holidays:
        start = text(holiday.get("start_date"))[:10]
        if not _is_date(start):
            continue
        end = text(holiday.get("end_date"))[:10]
        days.append(
            {
                "id": _int(holiday.get("id")),
                "name": text(holiday.get("name")),
                "start_date": start,
                "end_date": end if _is_date(end) else start,
            }
        )
    days.sort(key=lambda h: (h["start_date"], h["end_date"], h["id"] or 0))
    time_zone = text(data.get("time_zone"))
    return ScheduleRecord(
        zd_id=int(data["id"]),
        name=text(data.get("name")),
        time_zone=time_zone,
        tz_name=iana_zone(time_zone, text(data.get("tzinfo"))),
        intervals=intervals,
        holidays=days,
        zd_updated_at=parse_dt(data.get("updated_at")),
    )


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
