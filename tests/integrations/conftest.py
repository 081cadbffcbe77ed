"""Fixtures of the sync tests: the portal pointed at a running sandbox, and an oracle that reads
the sandbox's own data (not its API) to say what the mirror must hold."""

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Account, Organization, SalesforceUser
from contacts.models import Contact, SupportUser
from csmportal import instances
from feedback.models import Rating
from integrations.runner import run_stream
from integrations.streams import ORDER
from tickets.models import Case, Comment, Ticket

REGION_FIELD = 360_004_241_911  # the sandbox's "Preferred Region for Support" field


@pytest.fixture
def point_at(settings) -> Callable:
    """``point_at(sandbox)``: the portal's settings now name that sandbox (and each of its
    Zendesk instances, read from its variables as the settings module reads them)."""

    def apply(handle) -> None:
        values = handle.settings()
        for name, value in values.items():
            setattr(settings, name, value)
        settings.ZENDESK_RATE_LIMIT = ""
        settings.ZENDESK_EXTRA_INSTANCES = portal_instances(values)

    return apply


def portal_instances(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``ZENDESK_EXTRA_INSTANCES`` from a sandbox's ``settings()`` (unpaced, like the global one)."""

    def read(name: str, default: str = "") -> str:
        return str(values.get(name, default))

    extra = instances.from_env(read, read, True, {"tracker_project": "", "rate_limit": ""})
    return {key: {**config, "rate_limit": ""} for key, config in extra.items()}


@pytest.fixture
def synced(sandbox, point_at):
    """The default test sandbox, with the portal pointed at it."""
    point_at(sandbox)
    return sandbox


def sync_all(*, full: bool = False, may_wait: bool = True, **kwargs: Any) -> dict:
    """Run every stream in dependency order; returns {stream: SyncRun}."""
    return {spec.name: run_stream(spec.name, full=full, may_wait=may_wait, **kwargs) for spec in ORDER}


def changes(runs: dict) -> dict:
    """{stream: (created, updated, deleted)} of a sync_all()."""
    return {name: (run.created, run.updated, run.deleted) for name, run in runs.items()}


# -- the oracle ------------------------------------------------------------------------------
def _ts(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def expected_tickets(handle) -> dict[Any, tuple]:
    return expected_mirror(handle, comments=False)["tickets"]


def expected_mirror(handle, *, comments: bool = True) -> dict[str, dict[Any, tuple]]:
    """What a complete mirror of this sandbox holds, per table: {key: (field values...)}."""
    want_comments = comments
    state = handle.state
    world = state.world
    tickets, comments, ratings = {}, {}, {}
    for zd_id in range(1, state.next_ticket_id):
        t = state.ticket(zd_id)
        region = next((f["value"] for f in t["custom_fields"] if f["id"] == REGION_FIELD), None)
        tickets[zd_id] = (
            t["subject"],
            t["description"],
            t["status"],
            _s(t["priority"]),
            _s(t["type"]),
            _s(region),
            t["organization_id"],
            t["requester_id"],
            t["tags"],
            t["via"]["channel"],
            _ts(t["created_at"]),
            _ts(t["updated_at"]),
            t["generated_timestamp"],
        )
        for c in state.comments(zd_id) if want_comments else ():
            attachments = [
                {k: a[k] for k in ("id", "file_name", "content_type", "size", "content_url")}
                for a in c["attachments"]
            ]
            comments[c["id"]] = (
                zd_id,
                c["author_id"],
                c["public"],
                c["body"],
                attachments,
                _ts(c["created_at"]),
            )
    mask = (1 << 24) - 1
    for key in state.ratings().after(-1):
        r = state.factory.rating(state.factory.skeleton(key & mask))
        ratings[r["id"]] = (
            r["ticket_id"],
            r["organization_id"],
            r["requester_id"],
            r["score"],
            _s(r["comment"]),
            _s(r["reason"]),
            _ts(r["updated_at"]),
        )
    orgs = {}
    for o in world.orgs:
        f = o["organization_fields"]
        orgs[o["id"]] = (
            o["name"],
            o["domain_names"],
            _s(o["notes"]),
            _s(o["details"]),
            o["tags"],
            _s(f["salesforce_id"]).strip(),
            _s(f["am_project_id"]),
            _s(f["cmp_id"]),
            _s(f["cmp_developers"]),
            _s(f["support_level"]),
            _s(f["org_region"]),
            _s(f["technical_account_manager"]),
            _ts(o["updated_at"]),
            _ts(o.get("deleted_at")),
        )
    # A user deleted in Zendesk (active: false) is mirrored without personal data.
    users = {
        u["id"]: (
            u["name"] if u["active"] else "",
            _s(u["email"]) if u["active"] else "",
            _s(u["email"]).lower() if u["active"] else "",
            u["role"],
            u["active"],
            u["suspended"],
            u["organization_id"],
            _ts(u["updated_at"]),
            None if u["active"] else _ts(u["updated_at"]),
        )
        for u in world.users
    }
    sf = state.sf
    sf_users = {
        u["Id"]: (u["Name"], _s(u["Email"]), u["IsActive"], _s(u["Title"]), _ts(u["SystemModstamp"]))
        for u in sf.scan("User")
    }
    accounts = {
        a["Id"]: (
            a["Name"],
            _s(a["Type"]),
            _s(a["Support_Level__c"]).lower(),
            _s(a["Region__c"]).upper(),
            int(a["Seats__c"] or 0),
            Decimal(str(a["ARR__c"])).quantize(Decimal("0.01")) if a["ARR__c"] is not None else None,
            _s(a["Renewal_Date__c"]),
            _s(a["Health_Score__c"]).lower(),
            bool(a["Restricted_Account__c"]),
            _s(a["Sold_To_Email__c"]),
            _s(a["CSM__c"]),
            _ts(a["SystemModstamp"]),
            _ts(a["SystemModstamp"]) if a.get("IsDeleted") else None,
        )
        for a in sf.scan("Account")
    }
    # A contact deleted in Salesforce is mirrored without personal data.
    contacts = {
        c["Id"]: (
            _s(c["AccountId"]),
            *(("",) * 6 if c.get("IsDeleted") else ()),
            *(
                ()
                if c.get("IsDeleted")
                else (
                    _s(c["FirstName"]),
                    _s(c["LastName"]),
                    _s(c["Email"]),
                    _s(c["Email"]).lower(),
                    _s(c["Title"]),
                    _s(c["Phone"]),
                )
            ),
            _ts(c["SystemModstamp"]),
            _ts(c["SystemModstamp"]) if c.get("IsDeleted") else None,
        )
        for c in sf.scan("Contact")
    }
    cases = {
        c["Id"]: (
            c["CaseNumber"],
            int(c["Zendesk_Ticket_ID__c"]) if c["Zendesk_Ticket_ID__c"] else None,
            _s(c["AccountId"]),
            _s(c["ContactId"]),
            _s(c["Subject"]),
            _s(c["Status"]),
            _s(c["Priority"]),
            _s(c["Origin"]),
            _ts(c["SystemModstamp"]),
            _ts(c["SystemModstamp"]) if c.get("IsDeleted") else None,
        )
        for c in sf.scan("Case")
    }
    return {
        "tickets": tickets,
        "comments": comments,
        "ratings": ratings,
        "organizations": orgs,
        "users": users,
        "sf_users": sf_users,
        "accounts": accounts,
        "contacts": contacts,
        "cases": cases,
    }


def actual_mirror() -> dict[str, dict[Any, tuple]]:
    """The same shape, read from the portal's database."""

    def rows(model, key, *fields):
        return {row[0]: tuple(row[1:]) for row in model.objects.values_list(key, *fields)}

    return {
        "tickets": rows(
            Ticket,
            "zd_id",
            "subject",
            "description",
            "status",
            "priority",
            "ticket_type",
            "preferred_region",
            "zd_organization_id",
            "zd_requester_id",
            "tags",
            "via_channel",
            "zd_created_at",
            "zd_updated_at",
            "generated_timestamp",
        ),
        "comments": rows(
            Comment, "zd_id", "zd_ticket_id", "zd_author_id", "public", "body", "attachments", "created_at"
        ),
        "ratings": rows(
            Rating,
            "zd_id",
            "zd_ticket_id",
            "zd_organization_id",
            "zd_requester_id",
            "score",
            "comment",
            "reason",
            "zd_updated_at",
        ),
        "organizations": rows(
            Organization,
            "zd_id",
            "name",
            "domain_names",
            "notes",
            "details",
            "tags",
            "salesforce_id",
            "am_project_id",
            "cmp_id",
            "cmp_developers",
            "support_level",
            "org_region",
            "technical_account_manager",
            "zd_updated_at",
            "deleted_at",
        ),
        "users": rows(
            SupportUser,
            "zd_id",
            "name",
            "email",
            "email_key",
            "role",
            "active",
            "suspended",
            "zd_organization_id",
            "zd_updated_at",
            "deleted_at",
        ),
        "sf_users": rows(SalesforceUser, "sf_id", "name", "email", "is_active", "title", "sf_modstamp"),
        "accounts": {
            key: (*values[:6], values[6].isoformat() if values[6] else "", *values[7:])
            for key, values in rows(
                Account,
                "sf_id",
                "name",
                "account_type",
                "support_level",
                "region",
                "seats",
                "arr",
                "renewal_date",
                "health",
                "restricted",
                "sold_to_email",
                "csm_sf_user_id",
                "sf_modstamp",
                "deleted_at",
            ).items()
        },
        "contacts": rows(
            Contact,
            "sf_id",
            "sf_account_id",
            "first_name",
            "last_name",
            "email",
            "email_key",
            "title",
            "phone",
            "sf_modstamp",
            "deleted_at",
        ),
        "cases": rows(
            Case,
            "sf_id",
            "case_number",
            "zd_ticket_id",
            "sf_account_id",
            "sf_contact_id",
            "subject",
            "status",
            "priority",
            "origin",
            "sf_modstamp",
            "deleted_at",
        ),
    }


def assert_mirrors(handle) -> None:
    """The portal holds exactly the sandbox's records: same keys, same values."""
    expected, actual = expected_mirror(handle), actual_mirror()
    for table, want in expected.items():
        have = actual[table]
        missing, extra = set(want) - set(have), set(have) - set(want)
        assert not missing and not extra, f"{table}: missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}"
        wrong = {k: (have[k], want[k]) for k in want if have[k] != want[k]}
        assert not wrong, f"{table}: {len(wrong)} differ, e.g. {next(iter(wrong.items()))}"


def link_snapshot() -> dict[str, list[tuple]]:
    """The resolved links, to compare two mirrors of the same data."""
    return {
        "tickets": sorted(
            Ticket.objects.values_list(
                "zd_id", "organization__zd_id", "account__sf_id", "requester__zd_id", "first_reply_at"
            )
        ),
        "users": sorted(SupportUser.objects.values_list("zd_id", "organization__zd_id", "contact__sf_id")),
        "orgs": sorted(Organization.objects.values_list("zd_id", "account__sf_id")),
        "comments": sorted(Comment.objects.values_list("zd_id", "ticket__zd_id", "author__zd_id")),
        "cases": sorted(
            Case.objects.values_list("sf_id", "ticket__zd_id", "account__sf_id", "contact__sf_id")
        ),
        "ratings": sorted(Rating.objects.values_list("zd_id", "ticket__zd_id", "account__sf_id")),
        "accounts": sorted(Account.objects.values_list("sf_id", "csm__email")),
    }
