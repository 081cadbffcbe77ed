"""Discovery: which of the portal's logical fields exist in the company's org and instance.

Reads Salesforce's ``describe()`` of the mapped objects (a field hidden from the integration
user by field-level security is absent there, exactly as if it did not exist) and Zendesk's
organization and ticket fields, and says for each logical field whether its mapped name is
there, of a type that fits, and which existing fields come closest when it is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from difflib import SequenceMatcher
from typing import Any

from csmportal.instances import GLOBAL

from .mapping import FIELDS, SALESFORCE, LogicalField, current, form_key

# Words that mean the same thing in field names and labels.
SYNONYMS = {"sfdc": "salesforce", "sf": "salesforce", "mgr": "manager", "acct": "account", "zd": "zendesk"}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class SourceField:
    name: str  # API name (Salesforce), key (Zendesk organization field) or title (ticket field)
    label: str
    type: str


@dataclass
class FieldReport:
    field: LogicalField
    mapped: str  # the name in use ("" = not mapped)
    found: SourceField | None
    status: str  # ok | warning | error
    message: str
    suggestions: list[SourceField] = dc_field(default_factory=list)
    instance: str = GLOBAL  # the Zendesk instance whose field this is (Salesforce's: global)

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def form_key(self) -> str:
        """The field's name on the Connections page: ``<key>@<instance>`` for another instance's."""
        return form_key(self.field.key, self.instance)


def words(text: str) -> list[str]:
    text = re.sub(r"__c$", "", text)
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)  # camelCase -> camel Case
    return [SYNONYMS.get(w, w) for w in _WORD.findall(text.lower())]


def _initials(ws: list[str]) -> str:
    return "".join(w[0] for w in ws)


def similarity(wanted: LogicalField, candidate: SourceField) -> float:
    """0..1: how much ``candidate`` looks like the field the portal wants (label, name, type)."""
    ours = [words(wanted.label), words(wanted.default), words(wanted.name)]
    theirs = [words(candidate.label), words(candidate.name)]
    best = 0.0
    for a in ours:
        for b in theirs:
            if not a or not b:
                continue
            ratio = SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
            shared = len(set(a) & set(b)) / len(set(a) | set(b))
            acronym = _initials(b) == "".join(a) or _initials(a) == "".join(b)
            best = max(best, ratio, shared, 0.9 if acronym else 0.0)
    fits = candidate.type.lower() in wanted.types
    return best + (0.3 if fits else -0.3)


def suggest(wanted: LogicalField, candidates: list[SourceField], limit: int = 3) -> list[SourceField]:
    scored = sorted(((similarity(wanted, c), c.name, c) for c in candidates), key=lambda t: (-t[0], t[1]))
    return [c for score, _, c in scored[:limit] if score >= 0.5]


def _custom(obj: str, fields: list[SourceField]) -> list[SourceField]:
    """The fields a mapping may point at: custom ones in Salesforce, all in Zendesk."""
    return [f for f in fields if f.name.endswith("__c")] if obj in ("Account", "Case") else fields


def report(
    available: dict[tuple[str, str], list[SourceField] | None],
    mapping: dict[str, str] | None = None,
    instance: str = GLOBAL,
) -> list[FieldReport]:
    """One report per logical field, the Zendesk ones as ``instance`` maps them. ``available``:
    (source, object) -> fields, or None when the source could not be read (its fields are then
    reported as unknown)."""
    mapping = current(instance) if mapping is None else mapping
    out = []
    for wanted in FIELDS:
        name = mapping.get(wanted.key, wanted.default)
        fields = available.get((wanted.source, wanted.obj))
        if fields is None:
            out.append(FieldReport(wanted, name, None, "warning", "Could not read the source's fields."))
        else:
            out.append(_one(wanted, name, fields))
        if wanted.source != SALESFORCE:
            out[-1].instance = instance
    return out


def _one(wanted: LogicalField, name: str, fields: list[SourceField]) -> FieldReport:
    where = "Salesforce" if wanted.source == SALESFORCE else "Zendesk"
    if not name:
        if wanted.required:
            hint = suggest(wanted, _custom(wanted.obj, fields))
            return FieldReport(wanted, name, None, "error", "Not mapped, and the portal needs it.", hint)
        return FieldReport(wanted, name, None, "ok", "Not mapped: the pages leave out what depends on it.")
    found = next((f for f in fields if f.name.lower() == name.lower()), None)
    if found is None:
        # A missing Salesforce field breaks the whole query; a missing Zendesk key reads empty.
        breaks = wanted.source == SALESFORCE or wanted.required
        hint = suggest(wanted, _custom(wanted.obj, fields))
        message = f"{where} has no field {name!r} that the integration user can read."
        return FieldReport(wanted, name, None, "error" if breaks else "warning", message, hint)
    if found.type.lower() not in wanted.types:
        message = f"{found.name} is a {found.type} field; the portal expects {' or '.join(wanted.types)}."
        return FieldReport(wanted, name, found, "warning", message)
    return FieldReport(wanted, name, found, "ok", f"{found.name} ({found.label}, {found.type})")


def salesforce_fields(client: Any, sobject: str) -> list[SourceField]:
    return [SourceField(f["name"], f["label"], f["type"]) for f in client.describe(sobject)]


def zendesk_fields(client: Any, obj: str) -> list[SourceField]:
    if obj == "organization":
        return [
            SourceField(str(f.get("key") or ""), str(f.get("title") or ""), str(f.get("type") or ""))
            for f in client.fields("organization_fields")
            if f.get("active", True)
        ]
    return [
        SourceField(str(f.get("title") or ""), str(f.get("title") or ""), str(f.get("type") or ""))
        for f in client.fields("ticket_fields")
        if f.get("active", True)
    ]
