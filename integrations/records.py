"""Plain typed records the clients return: one dataclass per mirrored source record.

Attribute names are the mirror models' column names, so the upserts copy them as they are.
Timestamps are timezone-aware UTC datetimes; text is never None ("" when the source has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

R = TypeVar("R")


@dataclass(slots=True)
class Page(Generic[R]):
    """One page of a stream: its records and the cursor to store with them."""

    records: list[R]
    cursor: str  # where the next page starts; saved in the same transaction as the records
    has_more: bool  # False on the source's last page (end of stream)
    request_cursor: str = ""  # the cursor this page was asked for with
    expected: int | None = None  # records the source says the whole query holds, if it says
    position: datetime | None = None  # the newest source timestamp in this page (progress, lag)
    skipped: int = 0  # source items that carry nothing to mirror (e.g. events without a comment)


# -- Zendesk -------------------------------------------------------------------------------------
@dataclass(slots=True)
class TicketRecord:
    zd_id: int
    zd_organization_id: int | None
    zd_requester_id: int | None
    subject: str
    description: str
    status: str
    priority: str
    ticket_type: str
    preferred_region: str
    tags: list[str]
    via_channel: str
    zd_created_at: datetime
    zd_updated_at: datetime
    generated_timestamp: int
    sla_policy: str
    sla_state: str
    first_reply_due_at: datetime | None


@dataclass(slots=True)
class OrganizationRecord:
    zd_id: int
    name: str
    domain_names: list[str]
    notes: str
    details: str
    tags: list[str]
    salesforce_id: str
    am_project_id: str
    cmp_id: str
    cmp_developers: str
    support_level: str
    org_region: str
    technical_account_manager: str
    zd_created_at: datetime | None
    zd_updated_at: datetime | None
    deleted_at: datetime | None = None  # the export's ``deleted_at``


@dataclass(slots=True)
class SupportUserRecord:
    zd_id: int
    zd_organization_id: int | None
    name: str
    email: str
    email_key: str
    role: str
    active: bool
    suspended: bool
    zd_created_at: datetime | None
    zd_updated_at: datetime | None
    deleted_at: datetime | None = None  # deleted in Zendesk (``active: false``): no personal data


@dataclass(slots=True)
class CommentRecord:
    zd_id: int
    zd_ticket_id: int
    zd_author_id: int | None
    public: bool
    body: str
    attachments: list[dict[str, Any]]
    created_at: datetime


@dataclass(slots=True)
class RatingRecord:
    zd_id: int
    zd_ticket_id: int | None
    zd_organization_id: int | None
    zd_requester_id: int | None
    score: str
    comment: str
    reason: str
    zd_created_at: datetime
    zd_updated_at: datetime


# -- Salesforce ----------------------------------------------------------------------------------
@dataclass(slots=True)
class SalesforceUserRecord:
    sf_id: str
    name: str
    email: str
    is_active: bool
    title: str
    sf_modstamp: datetime | None


@dataclass(slots=True)
class AccountRecord:
    sf_id: str
    name: str
    account_type: str
    support_level: str
    region: str
    seats: int
    arr: Decimal | None
    renewal_date: date | None
    health: str
    restricted: bool
    sold_to_email: str
    csm_sf_user_id: str
    sf_created_at: datetime | None
    sf_modstamp: datetime | None
    deleted_at: datetime | None = None  # IsDeleted (queryAll): deleted or merged away


@dataclass(slots=True)
class ContactRecord:
    sf_id: str
    sf_account_id: str
    first_name: str
    last_name: str
    email: str
    email_key: str
    title: str
    phone: str
    sf_created_at: datetime | None
    sf_modstamp: datetime | None
    deleted_at: datetime | None = None  # IsDeleted (queryAll): no personal data


@dataclass(slots=True)
class CaseRecord:
    sf_id: str
    case_number: str
    zd_ticket_id: int | None
    sf_account_id: str
    sf_contact_id: str
    subject: str
    status: str
    priority: str
    origin: str
    sf_created_at: datetime | None
    sf_modstamp: datetime | None
    deleted_at: datetime | None = None  # IsDeleted (queryAll)


@dataclass(slots=True)
class ScheduleRecord:
    """A Zendesk schedule with its holidays (``/api/v2/business_hours/schedules``)."""

    zd_id: int
    name: str
    time_zone: str  # Zendesk's (Rails) name, e.g. "Pacific Time (US & Canada)"
    tz_name: str  # the IANA zone it maps to; "" when unknown
    intervals: list[list[int]]  # [[start, end], ...] minutes from Sunday 00:00, sorted
    holidays: list[dict[str, Any]]  # [{"id", "name", "start_date", "end_date"}], sorted
    zd_updated_at: datetime | None


@dataclass(frozen=True)
class TrackerNote:
    """A comment on a GitLab issue."""

    id: int
    author: str  # username
    body: str
    created_at: datetime | None
    system: bool = False  # GitLab's own notes ("closed", "changed the description")


@dataclass(frozen=True)
class TrackerIssue:
    """A GitLab issue the portal filed: where it is and what has happened to it."""

    project: str
    iid: int
    state: str  # opened | closed
    web_url: str  # built from GITLAB_URL, never taken from the answer
    notes: tuple[TrackerNote, ...] = ()
