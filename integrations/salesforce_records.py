"""Salesforce SOQL records -> typed records. Pure functions, no HTTP.

The SOQL field lists live here beside the mappings that read them, so a field cannot be
mapped without being asked for. Custom fields are asked for by the company's own names
(``names``: logical name -> API name, from ``integrations.mapping``); an unmapped field is
not asked for and reads as empty.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .mapping import FIELDS as MAPPED_FIELDS
from .mapping import SALESFORCE
from .records import AccountRecord, CaseRecord, ContactRecord, SalesforceUserRecord
from .zendesk_records import parse_dt, text

FIELDS = {
    "User": ["Id", "Name", "Email", "IsActive", "Title", "SystemModstamp"],
    "Account": [
        "Id",
        "Name",
        "Type",
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
        "CreatedDate",
        "SystemModstamp",
        "IsDeleted",
    ],
}
# Objects read with queryAll, so records deleted (or merged away) come back with IsDeleted =
# true. Users are never deleted in Salesforce, only deactivated (IsActive), and have no
# IsDeleted field.
WITH_DELETED = frozenset(name for name, fields in FIELDS.items() if "IsDeleted" in fields)


# The portal's custom fields by logical name, as the org the portal was built against names them.
DEFAULT_NAMES = {
    obj: {f.name: f.default for f in MAPPED_FIELDS if f.source == SALESFORCE and f.obj == obj}
    for obj in ("Account", "Case")
}


def field_list(sobject: str, names: dict[str, str] | None = None) -> list[str]:
    """Standard fields, then the mapped custom ones (each once)."""
    mapped = DEFAULT_NAMES.get(sobject, {}) if names is None else names
    fields = list(FIELDS[sobject])
    for api_name in mapped.values():
        if api_name and api_name not in fields:
            fields.append(api_name)
    return fields


def soql(sobject: str, since: datetime | None, names: dict[str, str] | None = None) -> str:
    """The incremental query: records changed at or after ``since``, oldest change first."""
    where = ""
    if since is not None:
        where = f" WHERE SystemModstamp >= {since.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    fields = ", ".join(field_list(sobject, names))
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


def _reader(r: dict[str, Any], sobject: str, names: dict[str, str] | None):
    mapped = DEFAULT_NAMES[sobject] if names is None else names

    def get(logical: str) -> Any:
        api_name = mapped.get(logical)
        return r.get(api_name) if api_name else None

    return get


def _deleted_at(r: dict[str, Any]) -> datetime | None:
    """When a record was deleted: its SystemModstamp (Salesforce stamps the deletion)."""
    return parse_dt(r.get("SystemModstamp")) if r.get("IsDeleted") else None


def parse_user(r: dict[str, Any], names: dict[str, str] | None = None) -> SalesforceUserRecord:
    return SalesforceUserRecord(
        sf_id=r["Id"],
        name=text(r.get("Name")),
        email=text(r.get("Email")).strip(),
        is_active=bool(r.get("IsActive", True)),
        title=text(r.get("Title")),
        sf_modstamp=parse_dt(r.get("SystemModstamp")),
    )


def parse_account(r: dict[str, Any], names: dict[str, str] | None = None) -> AccountRecord:
    get = _reader(r, "Account", names)
    return AccountRecord(
        sf_id=r["Id"],
        name=text(r.get("Name")),
        account_type=text(r.get("Type")),
        support_level=text(get("support_level")).strip().lower(),
        region=text(get("region")).strip().upper(),
        seats=_whole(get("seats")),
        arr=_decimal(get("arr")),
        renewal_date=_date(get("renewal_date")),
        health=text(get("health")).strip().lower(),
        restricted=bool(get("restricted")),
        sold_to_email=text(get("sold_to_email")).strip(),
        csm_sf_user_id=text(get("csm")),
        sf_created_at=parse_dt(r.get("CreatedDate")),
        sf_modstamp=parse_dt(r.get("SystemModstamp")),
        deleted_at=_deleted_at(r),
    )


def parse_contact(r: dict[str, Any], names: dict[str, str] | None = None) -> ContactRecord:
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


def parse_case(r: dict[str, Any], names: dict[str, str] | None = None) -> CaseRecord:
    ticket = _reader(r, "Case", names)("zendesk_ticket_id")
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
