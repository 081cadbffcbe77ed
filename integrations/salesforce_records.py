"""Salesforce SOQL records -> typed records. Pure functions, no HTTP.

The SOQL field lists live here beside the mappings that read them, so a field cannot be
mapped without being asked for.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .records import AccountRecord, CaseRecord, ContactRecord, SalesforceUserRecord
from .zendesk_records import parse_dt, text

FIELDS = {
    "User": ["Id", "Name", "Email", "IsActive", "Title", "SystemModstamp"],
    "Account": [
        "Id",
        "Name",
        "Type",
        "Support_Level__c",
        "Region__c",
        "Seats__c",
        "ARR__c",
        "Renewal_Date__c",
        "Health_Score__c",
        "Restricted_Account__c",
        "Sold_To_Email__c",
        "CSM__c",
        "CreatedDate",
        "SystemModstamp",
        "IsDeleted",
    ],
    "Contact": [
        "Id",
        "AccountId",
        "FirstName",
        "LastName",
        "Email",
        "Title",
        "Phone",
        "CreatedDate",
        "SystemModstamp",
        "IsDeleted",
    ],
    "Case": [
        "Id",
        "CaseNumber",
        "AccountId",
        "ContactId",
        "Subject",
        "Status",
        "Priority",
        "Origin",
        "Zendesk_Ticket_ID__c",
        "CreatedDate",
        "SystemModstamp",
        "IsDeleted",
    ],
}
# Objects read with queryAll, so records deleted (or merged away) come back with IsDeleted =
# true. Users are never deleted in Salesforce, only deactivated (IsActive), and have no
# IsDeleted field.
WITH_DELETED = frozenset(name for name, fields in FIELDS.items() if "IsDeleted" in fields)


def soql(sobject: str, since: datetime | None) -> str:
    """The incremental query: records changed at or after ``since``, oldest change first."""
    where = ""
    if since is not None:
        where = f" WHERE SystemModstamp >= {since.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    fields = ", ".join(FIELDS[sobject])
    return f"SELECT {fields} FROM {sobject}{where} ORDER BY SystemModstamp ASC, Id ASC"  # noqa: S608


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _whole(value: Any) -> int:
    try:
        return max(int(float(value)), 0)
    except (TypeError, ValueError):
        return 0


def _deleted_at(r: dict[str, Any]) -> datetime | None:
    """When a record was deleted: its SystemModstamp (Salesforce stamps the deletion)."""
    return parse_dt(r.get("SystemModstamp")) if r.get("IsDeleted") else None


def parse_user(r: dict[str, Any]) -> SalesforceUserRecord:
    return SalesforceUserRecord(
        sf_id=r["Id"],
        name=text(r.get("Name")),
        email=text(r.get("Email")).strip(),
        is_active=bool(r.get("IsActive", True)),
        title=text(r.get("Title")),
        sf_modstamp=parse_dt(r.get("SystemModstamp")),
    )


def parse_account(r: dict[str, Any]) -> AccountRecord:
    return AccountRecord(
        sf_id=r["Id"],
        name=text(r.get("Name")),
        account_type=text(r.get("Type")),
        support_level=text(r.get("Support_Level__c")).strip().lower(),
        region=text(r.get("Region__c")).strip().upper(),
        seats=_whole(r.get("Seats__c")),
        arr=_decimal(r.get("ARR__c")),
        renewal_date=_date(r.get("Renewal_Date__c")),
        health=text(r.get("Health_Score__c")).strip().lower(),
        restricted=bool(r.get("Restricted_Account__c")),
        sold_to_email=text(r.get("Sold_To_Email__c")).strip(),
        csm_sf_user_id=text(r.get("CSM__c")),
        sf_created_at=parse_dt(r.get("CreatedDate")),
        sf_modstamp=parse_dt(r.get("SystemModstamp")),
        deleted_at=_deleted_at(r),
    )


def parse_contact(r: dict[str, Any]) -> ContactRecord:
    deleted_at = _deleted_at(r)
    # A person deleted at the source keeps no personal data in the portal.
    email = "" if deleted_at else text(r.get("Email")).strip()
    return ContactRecord(
        sf_id=r["Id"],
        sf_account_id=text(r.get("AccountId")),
        first_name="" if deleted_at else text(r.get("FirstName")),
        last_name="" if deleted_at else text(r.get("LastName")),
        email=email,
        email_key=email.lower(),
        title="" if deleted_at else text(r.get("Title")),
        phone="" if deleted_at else text(r.get("Phone")),
        sf_created_at=parse_dt(r.get("CreatedDate")),
        sf_modstamp=parse_dt(r.get("SystemModstamp")),
        deleted_at=deleted_at,
    )


def parse_case(r: dict[str, Any]) -> CaseRecord:
    ticket = r.get("Zendesk_Ticket_ID__c")
    try:
        zd_ticket_id = int(float(ticket)) if ticket not in (None, "") else None
    except (TypeError, ValueError):
        zd_ticket_id = None
    return CaseRecord(
        sf_id=r["Id"],
        case_number=text(r.get("CaseNumber")),
        zd_ticket_id=zd_ticket_id,
        sf_account_id=text(r.get("AccountId")),
        sf_contact_id=text(r.get("ContactId")),
        subject=text(r.get("Subject")),
        status=text(r.get("Status")),
        priority=text(r.get("Priority")),
        origin=text(r.get("Origin")),
        sf_created_at=parse_dt(r.get("CreatedDate")),
        sf_modstamp=parse_dt(r.get("SystemModstamp")),
        deleted_at=_deleted_at(r),
    )


PARSERS = {"User": parse_user, "Account": parse_account, "Contact": parse_contact, "Case": parse_case}
