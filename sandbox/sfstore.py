"""Salesforce records of the sandbox: Account, Contact, Case and User, and SOQL over them."""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import deletions, ids, soql, soqleval
from . import schema as fschema
from .ids import sf_datetime, sf_id, sf_serial

if TYPE_CHECKING:
    from .state import State

COMMON = {"Id": "id", "CreatedDate": "datetime", "SystemModstamp": "datetime", "LastModifiedDate": "datetime"}
# Deletable objects carry IsDeleted (true only through queryAll); merged-away Accounts and
# Contacts also name the winner in MasterRecordId. Users are never deleted, only deactivated.
DELETABLE = {"IsDeleted": "boolean"}
SCHEMAS: dict[str, dict[str, str]] = {
    "Account": {
        **COMMON,
        "Name": "string",
        "Type": "picklist",
        "Support_Level__c": "picklist",
        "Region__c": "picklist",
        "Seats__c": "double",
        "ARR__c": "currency",
        "Renewal_Date__c": "date",
        "Health_Score__c": "picklist",
        "Restricted_Account__c": "boolean",
        "Sold_To_Email__c": "email",
        "CSM__c": "reference",
        **DELETABLE,
        "MasterRecordId": "reference",
    },
    "Contact": {
        **COMMON,
        "AccountId": "reference",
        "FirstName": "string",
        "LastName": "string",
        "Name": "string",
        "Email": "email",
        "Title": "string",
        "Phone": "phone",
        **DELETABLE,
        "MasterRecordId": "reference",
    },
    "Case": {
        **COMMON,
        "CaseNumber": "string",
        "AccountId": "reference",
        "ContactId": "reference",
        "Subject": "string",
        "Status": "picklist",
        "Priority": "picklist",
        "Origin": "picklist",
        "Zendesk_Ticket_ID__c": "double",
        **DELETABLE,
    },
    "User": {**COMMON, "Name": "string", "Email": "email", "IsActive": "boolean", "Title": "string"},
}
PREFIX = {"Account": "001", "Contact": "003", "Case": "500", "User": "005"}
READ_ONLY = {
    "Id",
    "CreatedDate",
    "SystemModstamp",
    "LastModifiedDate",
    "CaseNumber",
    "Name@Contact",
    "IsDeleted",
    "MasterRecordId",
}
REQUIRED = {"Account": ("Name",), "Contact": ("LastName",), "Case": (), "User": ("Name",)}
MASK = (1 << 24) - 1


class SFError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class QueryCursor:
    sobject: str
    fields: list[str]
    total: int
    source: Iterator  # records, lazily
    names: list[str] | None = None  # the fields' names as the query asked for them (--schema)
    served: list[dict] = field(default_factory=list)  # buffered records (for re-fetching pages)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, offset: int, size: int) -> list[dict]:
        with self.lock:
            while len(self.served) < offset + size:
                try:
                    self.served.append(next(self.source))
                except StopIteration:
                    break
            return self.served[offset : offset + size]


class SFStore:
    def __init__(self, state: State) -> None:
        self.state = state
        w = state.world
        self.lists: dict[str, list[dict]] = {"Account": w.accounts, "Contact": w.contacts, "User": w.sf_users}
        self.by_id: dict[str, dict[str, dict]] = {
            t: {r["Id"]: r for r in rows} for t, rows in self.lists.items()
        }
        self.cursors: OrderedDict[str, QueryCursor] = OrderedDict()
        # Custom field names as this org has them (sandbox/schema.py); records keep the defaults.
        self.schema = state.config.schema
        self.api_requests = 0  # counted against the daily limit that /limits reports
        self.external = {t: fschema.external_schema(self.schema, t, fields) for t, fields in SCHEMAS.items()}
        self._serial = itertools.count(10_000_000)

    # -- records --------------------------------------------------------------------------
    def case_for_key(self, key: int, with_subject: bool = True) -> dict:
        changed = self.state._cases.tail_values.get(key) if self.state._cases else None
        if changed is not None:
            return self.state.sf_changed["Case"][changed]
        n = key & MASK
        case_id = ids.sf_id("500", n)
        if case_id in self.state.sf_changed["Case"]:
            return self.state.sf_changed["Case"][case_id]
        return self.state.factory.case(n, with_subject)

    def get(self, sobject: str, record_id: str) -> dict | None:
        if sobject == "Case":
            full = self._full_id(record_id)
            if full in self.state.sf_changed["Case"]:
                return self.state.sf_changed["Case"][full]
            n = sf_serial(record_id)
            if (
                n is None
                or not 1 <= n <= self.state.config.tickets
                or ids.sf_id("500", n)[:15] != record_id[:15]
            ):
                return None
            if (ids.mix(self.state.config.seed, ids.S_RATING, n) >> 32) & 0xFF >= 225:
                return None
            return self.state.factory.case(n)
        table = self.by_id[sobject]
        return table.get(record_id) or next((r for i, r in table.items() if i[:15] == record_id[:15]), None)

    def _full_id(self, record_id: str) -> str:
        return ids.sf_id15_to_18(record_id[:15]) if len(record_id) in (15, 18) else record_id

    def scan(self, sobject: str, with_subject: bool = True) -> Iterator[dict]:
        if sobject == "Case":
            stream = self.state.cases()
            return (self.case_for_key(k, with_subject) for k in stream.after(-1))
        return iter(list(self.lists[sobject]))

    @staticmethod
    def view(sobject: str, record: dict) -> dict:
        rec = dict(record)
        rec["LastModifiedDate"] = rec.get("SystemModstamp")
        if "IsDeleted" in SCHEMAS[sobject]:
            rec["IsDeleted"] = bool(rec.get("IsDeleted"))
        if sobject == "Contact":
            rec["Name"] = " ".join(p for p in (rec.get("FirstName"), rec.get("LastName")) if p)
        return rec

    def serialize(
        self,
        sobject: str,
        record: dict,
        fields: list[str] | None,
        version: str,
        names: list[str] | None = None,
    ) -> dict:
        """The record as the API shows it: ``fields`` (default names; all when None), each under
        ``names`` (as asked) or the org's name for it."""
        rec = self.view(sobject, record)
        schema = SCHEMAS[sobject]
        ext = fschema.sf_names(self.schema, sobject)
        out: dict[str, Any] = {
            "attributes": {
                "type": sobject,
                "url": f"/services/data/v{version}/sobjects/{sobject}/{rec['Id']}",
            }
        }
        wanted = fields or list(schema)
        for name, shown in zip(wanted, names or [ext.get(n, n) for n in wanted], strict=True):
            value = rec.get(name)
            ftype = schema[name]
            if value is not None and ftype == "datetime":
                value = sf_datetime(value)
            out[shown] = value
        return out

    def canonical(self, sobject: str, values: dict) -> dict:
        """Field values sent under the org's names -> the names the records keep."""
        back = fschema.to_canonical(self.schema, sobject)
        if not back:
            return values
        hidden = set(back.values())  # a default name this org does not have is unknown
        return {back.get(k, "?" + k if k in hidden else k): v for k, v in values.items()}

    # -- writes ------------------------------------------------------------------------------
    def _coerce(self, sobject: str, values: dict, creating: bool) -> dict:
        schema = SCHEMAS[sobject]
        names = {n.lower(): n for n in schema}
        out = {}
        for raw, value in values.items():
            name = names.get(raw.lower())
            if name is None:
                raise SFError(400, "INVALID_FIELD", f"No such column '{raw}' on sobject of type {sobject}")
            if name in READ_ONLY or (sobject == "Contact" and name == "Name"):
                raise SFError(
                    400,
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    f"Unable to create/update fields: {name}. Please check the security settings of this "
                    "field and verify that it is read/write for your profile or permission set.",
                )
            ftype = schema[name]
            if value is not None:
                try:
                    value = self._convert(ftype, value)
                except (TypeError, ValueError):
                    raise SFError(
                        400,
                        "JSON_PARSER_ERROR",
                        f"Cannot deserialize value for {ftype} field {name}: {value!r}",
                    ) from None
            out[name] = value
        if creating:
            missing = [f for f in REQUIRED[sobject] if not out.get(f)]
            if missing:
                raise SFError(
                    400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]"
                )
        return out

    @staticmethod
    def _convert(ftype: str, value: Any) -> Any:
        if ftype == "datetime":
            return (
                soql._datetime(str(value).replace(".000+0000", "Z")) if isinstance(value, str) else int(value)
            )
        if ftype == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
                raise ValueError(value)
            return str(value)
        if ftype in ("double", "currency"):
            if isinstance(value, bool):
                raise TypeError(value)
            return float(value)
        if ftype == "boolean":
            if not isinstance(value, bool):
                raise TypeError(value)
            return value
        return str(value)

    def create(self, sobject: str, values: dict) -> dict:
        fields = self._coerce(sobject, values, creating=True)
        with self.state.lock:
            ts = self.state.now()
            record: dict[str, Any] = {
                name: None
                for name in SCHEMAS[sobject]
                if name != "LastModifiedDate" and not (sobject == "Contact" and name == "Name")
            }
            record.update(fields)
            record["Id"] = sf_id(PREFIX[sobject], next(self._serial))
            record["CreatedDate"] = record["SystemModstamp"] = ts
            if sobject == "Case":
                record["CaseNumber"] = f"{90_000_000 + len(self.state.sf_created['Case']):08d}"
                self.state.sf_changed["Case"][record["Id"]] = record
                self.state.sf_created["Case"].append(record["Id"])
                if self.state._cases is not None:
                    self.state._move_case(record["Id"])
            else:
                self.lists[sobject].append(record)
                self.by_id[sobject][record["Id"]] = record
            return record

    def update(self, sobject: str, record_id: str, values: dict) -> dict:
        fields = self._coerce(sobject, values, creating=False)
        with self.state.lock:
            record = self.get(sobject, record_id)
            if record is None:
                raise SFError(404, "NOT_FOUND", "The requested resource does not exist")
            if record.get("IsDeleted"):
                raise SFError(404, "ENTITY_IS_DELETED", "entity is deleted")
            if sobject == "Case" and record["Id"] not in self.state.sf_changed["Case"]:
                record = dict(record)
                self.state.sf_changed["Case"][record["Id"]] = record
            record.update(fields)
            record["SystemModstamp"] = self.state.now()
            if sobject == "Case":
                self.state.cases()
                self.state._move_case(record["Id"])
            return record

    def delete(self, sobject: str, record_id: str) -> dict:
        return deletions.sf_delete(self.state, sobject, record_id)

    def merge(self, sobject: str, master_id: str, loser_id: str) -> dict:
        return deletions.sf_merge(self.state, sobject, master_id, loser_id)

    # -- queries -----------------------------------------------------------------------------
    def query(self, text: str, include_deleted: bool = False) -> QueryCursor:
        """``query`` (deleted records left out) or ``queryAll`` (``include_deleted``)."""
        query = soql.parse(text)
        sobject, _ = soqleval.resolve(query, self.external)
        names = list(query.fields)
        back = fschema.to_canonical(self.schema, sobject)
        if back:
            query.fields = [back.get(f, f) for f in query.fields]
            for cond in query.where:
                cond.field = back.get(cond.field, cond.field)
            query.order = [(back.get(f, f), d, n) for f, d, n in query.order]
        source, total = self._plan(sobject, SCHEMAS[sobject], query, include_deleted)
        return QueryCursor(sobject, query.fields, total, source, names=names)

    def remember(self, cursor: QueryCursor) -> str:
        locator = "01g8d" + secrets.token_hex(6).upper()[:10]
        with self.state.lock:
            self.cursors[locator] = cursor
            while len(self.cursors) > 200:
                self.cursors.popitem(last=False)
        return locator

    def _plan(
        self, sobject: str, schema: dict, query: soql.Query, include_deleted: bool = False
    ) -> tuple[Iterator[dict], int]:
        conditions = query.where
        stamp = {"SystemModstamp", "LastModifiedDate"}
        order_ok = not query.order or (query.order[0][0] in stamp and not query.order[0][1])
        if (
            sobject == "Case"
            and order_ok
            and all(c.field in stamp and c.op in (">", ">=") for c in conditions)
        ):
            bound = max([c.value.value - (1 if c.op == ">=" else 0) for c in conditions] or [-1])  # type: ignore[union-attr]
            stream = self.state.cases()
            key = -1 if bound < 0 else (bound << 24) | MASK
            total = stream.count_after(key)
            keys = stream.after(key)
            need_subject = "Subject" in query.fields
            source = (self.view("Case", self.case_for_key(k, need_subject)) for k in keys)
            if not include_deleted:
                total -= sum(1 for k in deletions.deleted_case_keys(self.state) if k > key)
                source = (rec for rec in source if not rec["IsDeleted"])
            return self._window(source, total, query)
        direct = self._direct(sobject, conditions)
        needs_subject = any(c.field == "Subject" for c in conditions) or any(
            o[0] == "Subject" for o in query.order
        )
        rows = direct if direct is not None else self.scan(sobject, with_subject=needs_subject)
        match = soqleval.predicate(query, schema)
        matched = [
            rec
            for rec in (self.view(sobject, r) for r in rows)
            if match(rec) and (include_deleted or not rec.get("IsDeleted"))
        ]
        matched = soqleval.sort_records(matched, query, schema)
        if sobject == "Case" and "Subject" in query.fields and not needs_subject:
            matched = [self.view("Case", self.get("Case", r["Id"]) or r) for r in matched]
        return self._window(iter(matched), len(matched), query)

    def _direct(self, sobject: str, conditions: list[soql.Condition]) -> list[dict] | None:
        """Rows for an Id or Zendesk ticket id lookup, without scanning the table."""
        for cond in conditions:
            values = cond.value if isinstance(cond.value, list) else [cond.value]
            if cond.op not in ("=", "IN") or any(v.value is None for v in values):
                continue
            if cond.field == "Id":
                return [r for r in (self.get(sobject, v.value) for v in values) if r is not None]
            if sobject == "Case" and cond.field == "Zendesk_Ticket_ID__c":
                rows = []
                for v in values:
                    n = int(v.value)
                    changed = [
                        c
                        for c in self.state.sf_changed["Case"].values()
                        if c["Zendesk_Ticket_ID__c"] == v.value
                    ]
                    if changed:
                        rows.extend(changed)
                    elif 1 <= n <= self.state.config.tickets:
                        found = self.get("Case", ids.sf_id("500", n))
                        if found is not None:
                            rows.append(found)
                return rows
        return None

    @staticmethod
    def _window(source: Iterator[dict], total: int, query: soql.Query) -> tuple[Iterator[dict], int]:
        stop = None if query.limit is None else query.offset + query.limit
        total = max(0, min(total, stop if stop is not None else total) - query.offset)
        return itertools.islice(source, query.offset, stop), total
