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
    ],
}


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
    )


def parse_contact(r: dict[str, Any]) -> ContactRecord:
    email = text(r.get("Email")).strip()
    return ContactRecord(
        sf_id=r["Id"],
        sf_account_id=text(r.get("AccountId")),
        first_name=text(r.get("FirstName")),
        last_name=text(r.get("LastName")),
        email=email,
        email_key=email.lower(),
        title=text(r.get("Title")),
        phone=text(r.get("Phone")),
        sf_created_at=parse_dt(r.get("CreatedDate")),
        sf_modstamp=parse_dt(r.get("SystemModstamp")),
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
    )


PARSERS = {"User": parse_user, "Account": parse_account, "Contact": parse_contact, "Case": parse_case}
