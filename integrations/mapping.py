"""Field mapping: every source field the portal reads, by a logical name, and the name the
company's own Salesforce org or Zendesk instance gives it.

The defaults are the names the portal was built against; an admin changes a name on the
Connections page (stored as a ``FieldMapping`` row, audited by ``FieldMappingChange``), and the
stream that reads the field syncs again from the start. An optional field may be left unmapped
(an empty name): the sync then does not ask for it and the pages hide what depends on it.

Salesforce is one mapping. The Zendesk fields are mapped per Zendesk instance
(``csmportal.instances``): an instance's name for a field is its own row
(``FieldMapping.zd_instance``) where it has one, else the global instance's, so a second
instance with the same fields needs nothing. A Salesforce row names no instance ("").
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from csmportal import instances
from csmportal.instances import GLOBAL

SALESFORCE = "salesforce"
ZENDESK = "zendesk"


@dataclass(frozen=True)
class LogicalField:
    source: str  # salesforce | zendesk
    obj: str  # Account, Case (Salesforce); organization, ticket (Zendesk)
    name: str  # the portal's logical name
    default: str  # the source's field name the portal was built against
    label: str  # what a person calls it (and what discovery compares labels with)
    types: tuple[str, ...]  # source types that fit (describe()'s type, Zendesk's field type)
    required: bool = False  # the portal cannot work without it
    stream: str = ""  # the stream that reads it (re-synced from the start when it changes)

    @property
    def key(self) -> str:
        return f"{self.source}.{self.obj}.{self.name}"


TEXT = ("text", "textarea", "string", "regexp")
PICK = ("picklist", "string")


def _account(name: str, default: str, label: str, types: tuple[str, ...], **kw: bool) -> LogicalField:
    stream = "salesforce.accounts"
    return LogicalField(SALESFORCE, "Account", name, default, label, types, stream=stream, **kw)


def _org(name: str, label: str, types: tuple[str, ...] = TEXT, **kw: bool) -> LogicalField:
    stream = "zendesk.organizations"
    return LogicalField(ZENDESK, "organization", name, name, label, types, stream=stream, **kw)


FIELDS: tuple[LogicalField, ...] = (
    _account("csm", "CSM__c", "CSM", ("reference",), required=True),
    _account("support_level", "Support_Level__c", "Support level", PICK),
    _account("region", "Region__c", "Region", PICK),
    _account("seats", "Seats__c", "Seats", ("double", "int", "integer")),
    _account("arr", "ARR__c", "ARR", ("currency", "double")),
    _account("renewal_date", "Renewal_Date__c", "Renewal date", ("date",)),
    _account("health", "Health_Score__c", "Health score", PICK),
    _account("restricted", "Restricted_Account__c", "Restricted account", ("boolean",)),
    _account("sold_to_email", "Sold_To_Email__c", "Sold-to email", ("email", "string")),
    LogicalField(
        SALESFORCE,
        "Case",
        "zendesk_ticket_id",
        "Zendesk_Ticket_ID__c",
        "Zendesk ticket ID",
        ("double", "string", "int", "integer"),
        stream="salesforce.cases",
    ),
    _org("salesforce_id", "Salesforce ID", required=True),
    _org("am_project_id", "Collaboration project ID (AM ID)", (*TEXT, "integer")),
    _org("cmp_id", "Contact management project ID", (*TEXT, "integer")),
    _org("cmp_developers", "Contact management project developers"),
    _org("support_level", "Support level", (*TEXT, "dropdown")),
    _org("org_region", "Region", (*TEXT, "dropdown")),
    _org("technical_account_manager", "Technical account manager"),
    LogicalField(
        ZENDESK,
        "ticket",
        "preferred_region",
        "Preferred Region for Support",
        "Preferred Region for Support",
        ("tagger", "dropdown"),
        stream="zendesk.tickets",
    ),
)
BY_KEY = {f.key: f for f in FIELDS}
CACHE_KEY = "integrations:field-mapping:v2"  # {instance: {key: name}}


# Also remembered in the process for a few seconds: the checks ask per account and step, and a
# cache round trip each time (Redis) would cost more than the check.
_MEMO: dict[str, tuple[float, dict[str, str]]] = {}
MEMO_SECONDS = 5.0
SEPARATOR = "@"  # a form's name for another instance's field: "zendesk.ticket.preferred_region@usgov"

# {instance ("" for Salesforce): {key: source name}}: the rows as stored.
Rows = dict[str, dict[str, str]]


def current(instance: str = GLOBAL) -> dict[str, str]:
    """Every logical field's source name by key ("" = unmapped), overrides applied: Salesforce's,
    and the Zendesk fields as ``instance`` names them (the global instance's where it sets none)."""
    memo = _MEMO.get(instance)
    if memo is not None and memo[0] > time.monotonic():
        return memo[1]
    names = resolve(_shared(), instance)
    _MEMO[instance] = (time.monotonic() + MEMO_SECONDS, names)
    return names


def resolve(rows: Rows, instance: str = GLOBAL) -> dict[str, str]:
    """``current(instance)`` from stored rows (pure: the services compare before and after)."""
    names = {f.key: f.default for f in FIELDS}
    for layer in ("", GLOBAL, instance):
        for key, source_name in rows.get(layer, {}).items():
            names[key] = source_name
    return names


def own(instance: str) -> set[str]:
    """The Zendesk keys ``instance`` names itself (for the global instance: every Zendesk key);
    the others follow the global instance."""
    if instance == GLOBAL:
        return {f.key for f in FIELDS if f.source == ZENDESK}
    return set(_shared().get(instance, {}))


def stored() -> Rows:
    """The rows as the database holds them now (no cache: inside a transaction too)."""
    from .models import FieldMapping

    rows: Rows = {}
    for key, instance, source_name in FieldMapping.objects.values_list("key", "zd_instance", "source_name"):
        field = BY_KEY.get(key)
        if field is None:
            continue
        layer = "" if field.source == SALESFORCE else (instance or GLOBAL)
        rows.setdefault(layer, {})[key] = source_name
    return rows


def _shared() -> Rows:
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = stored()
        cache.set(CACHE_KEY, rows, 300)
    return rows


def forget() -> None:
    _MEMO.clear()
    cache.delete(CACHE_KEY)


def form_key(key: str, instance: str = GLOBAL) -> str:
    """A field's name in forms and reports: its key for Salesforce and the global instance,
    ``<key>@<instance>`` for another instance's."""
    if instance in (GLOBAL, "") or BY_KEY[key].source == SALESFORCE:
        return key
    return f"{key}{SEPARATOR}{instance}"


def split_form_key(name: str) -> tuple[str, str]:
    """``form_key``'s inverse: (key, instance); Salesforce's instance is ""."""
    key, _, instance = name.partition(SEPARATOR)
    field = BY_KEY.get(key)
    if field is None:
        raise KeyError(name)
    if field.source == SALESFORCE:
        if instance:
            raise KeyError(name)
        return key, ""
    return key, instance or GLOBAL


def names_for(source: str, obj: str, instance: str = GLOBAL) -> dict[str, str]:
    """{logical name: source name} for one object's mapped fields (unmapped ones left out), as
    the Zendesk ``instance`` names them."""
    mapping = current(instance)
    return {f.name: mapping[f.key] for f in FIELDS if f.source == source and f.obj == obj and mapping[f.key]}


def is_mapped(key: str) -> bool:
    """The field is mapped: in Salesforce, or in any configured Zendesk instance (the pages
    show what depends on it where some instance reads it)."""
    if BY_KEY[key].source == SALESFORCE:
        return bool(current().get(key))
    return any(current(instance).get(key) for instance in instances.keys())  # noqa: SIM118


def mapped_flags() -> dict[str, dict[str, bool]]:
    """For templates: ``mapped.account.arr`` is True when the ARR field is mapped."""
    flags: dict[str, dict[str, bool]] = {}
    for f in FIELDS:
        group = "account" if f.obj == "Account" else f.obj.lower()
        flags.setdefault(group, {})[f.name] = is_mapped(f.key)
    return flags
