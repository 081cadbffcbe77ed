"""Custom field names as a company's own org and instance would have them (``--schema``).

The sandbox keeps its records under the names the portal was built against (``default``);
another schema renames the custom fields at the API's edge only: SOQL, ``describe()``, the
organizations' ``organization_fields`` keys, ``/organization_fields.json`` and the ticket field
titles. Tests use ``renamed`` to prove the portal's field mapping end to end.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMAS = ("default", "renamed")


@dataclass(frozen=True)
class Custom:
    """One custom field: its name in ``default``, the name and label ``renamed`` gives it."""

    name: str
    label: str
    renamed: str
    renamed_label: str


# Salesforce custom fields (API name, label), per object.
SF_CUSTOM: dict[str, tuple[Custom, ...]] = {
    "Account": (
        Custom("CSM__c", "CSM", "Customer_Success_Manager__c", "Customer Success Manager"),
        Custom("Support_Level__c", "Support Level", "Support_Tier__c", "Support Tier"),
        Custom("Region__c", "Region", "Sales_Region__c", "Sales Region"),
        Custom("Seats__c", "Seats", "Licensed_Seats__c", "Licensed Seats"),
        Custom("ARR__c", "ARR", "Annual_Recurring_Revenue__c", "Annual Recurring Revenue (ARR)"),
        Custom("Renewal_Date__c", "Renewal Date", "Contract_Renewal_Date__c", "Contract Renewal Date"),
        Custom("Health_Score__c", "Health Score", "Customer_Health__c", "Customer Health Score"),
        Custom("Restricted_Account__c", "Restricted Account", "Is_Restricted__c", "Restricted"),
        Custom("Sold_To_Email__c", "Sold To Email", "Sold_To_Contact_Email__c", "Sold-To Contact Email"),
    ),
    "Case": (Custom("Zendesk_Ticket_ID__c", "Zendesk Ticket ID", "ZD_Ticket_Number__c", "Zendesk Ticket #"),),
}
# Zendesk organization fields (key, title) and their type.
ZD_ORG_FIELDS: tuple[tuple[Custom, str], ...] = (
    (Custom("salesforce_id", "Salesforce ID", "sfdc_account_id", "SFDC Account ID"), "text"),
    (Custom("am_project_id", "AM Project ID", "collaboration_project", "Collaboration Project ID"), "text"),
    (Custom("cmp_id", "CMP ID", "contact_mgmt_project", "Contact Management Project"), "text"),
    (
        Custom("cmp_developers", "CMP Developers", "contact_mgmt_devs", "Contact Management Developers"),
        "text",
    ),
    (Custom("support_level", "Support Level", "support_plan", "Support Plan"), "dropdown"),
    (Custom("org_region", "Org Region", "account_region", "Account Region"), "text"),
    (
        Custom("technical_account_manager", "Technical Account Manager", "tam", "Technical Account Mgr"),
        "text",
    ),
)
REGION_TITLE = Custom(
    "Preferred Region for Support", "Preferred Region for Support", "Support Region", "Support Region"
)


def _check(schema: str) -> None:
    if schema not in SCHEMAS:
        raise ValueError(f"unknown schema {schema!r}: choose one of {', '.join(SCHEMAS)}")


def sf_names(schema: str, sobject: str) -> dict[str, str]:
    """{default name: this schema's name} of one object's custom fields."""
    _check(schema)
    fields = SF_CUSTOM.get(sobject, ())
    return {c.name: (c.renamed if schema == "renamed" else c.name) for c in fields}


def sf_label(schema: str, sobject: str, name: str) -> str:
    """The label ``describe()`` gives a field (by its default name)."""
    for c in SF_CUSTOM.get(sobject, ()):
        if c.name == name:
            return c.renamed_label if schema == "renamed" else c.label
    return name


def external_schema(schema: str, sobject: str, canonical: dict[str, str]) -> dict[str, str]:
    """An object's {field name: type} as this schema shows them."""
    names = sf_names(schema, sobject)
    return {names.get(name, name): ftype for name, ftype in canonical.items()}


def to_canonical(schema: str, sobject: str) -> dict[str, str]:
    """{this schema's name: default name}, for names that differ."""
    return {ext: name for name, ext in sf_names(schema, sobject).items() if ext != name}


def org_keys(schema: str) -> dict[str, str]:
    """{default key: this schema's key} of the organization fields."""
    _check(schema)
    return {c.name: (c.renamed if schema == "renamed" else c.name) for c, _ in ZD_ORG_FIELDS}


def org_out(schema: str, org: dict) -> dict:
    """An organization as this schema's API shows it (the stored dict itself for ``default``)."""
    if schema == "default":
        return org
    keys = org_keys(schema)
    fields = {keys.get(k, k): v for k, v in (org.get("organization_fields") or {}).items()}
    return {**org, "organization_fields": fields}


def org_fields_in(schema: str, fields: dict) -> dict:
    """Organization field values sent in this schema's keys -> stored (default) keys; a key the
    schema does not have is kept as sent (Zendesk ignores unknown keys; so does the store)."""
    if schema == "default":
        return fields
    back = {ext: name for name, ext in org_keys(schema).items()}
    return {back.get(k, k): v for k, v in fields.items()}


def region_title(schema: str) -> str:
    _check(schema)
    return REGION_TITLE.renamed if schema == "renamed" else REGION_TITLE.name


def organization_fields(schema: str, base_url: str) -> list[dict]:
    """``/api/v2/organization_fields.json``: the custom organization fields, as Zendesk lists them."""
    _check(schema)
    out = []
    for position, (c, ftype) in enumerate(ZD_ORG_FIELDS, start=1):
        fid = 360_020_000_000 + position
        key, title = (c.renamed, c.renamed_label) if schema == "renamed" else (c.name, c.label)
        field: dict = {
            "url": f"{base_url}/api/v2/organization_fields/{fid}.json",
            "id": fid,
            "type": ftype,
            "key": key,
            "title": title,
            "raw_title": title,
            "description": "",
            "raw_description": "",
            "position": position,
            "active": True,
            "system": False,
            "regexp_for_validation": None,
            "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2020-01-01T00:00:00Z",
        }
        if ftype == "dropdown":
            field["custom_field_options"] = [
                {"id": fid * 10 + n, "name": name.title(), "raw_name": name.title(), "value": name}
                for n, name in enumerate(("basic", "standard", "priority"), start=1)
            ]
        out.append(field)
    return out
