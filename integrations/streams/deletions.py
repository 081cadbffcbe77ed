"""Records deleted at their source: audit lines and the privacy erase, inside the page.

The upsert writes ``deleted_at`` like any source column (a deletion is a newer version of the
record); this module adds what a deletion means beyond the row:

- an account deleted (or merged away) in Salesforce, or an organization deleted in Zendesk,
  gets a line in the account's audit trail (and another if it is restored);
- a person deleted at the source (Zendesk user, Salesforce contact): every copy the portal
  made of their name and email is cleared in the same transaction (``contacts.erase``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from accounts.models import Account, Organization
from accounts.services import account_event_record
from contacts.erase import Person, deleted_people, people_erase
from contacts.models import Contact, SupportUser

from ..upsert import Written


def deleted_before(
    model: type[Account] | type[Organization], key: str, keys: Iterable[Any], *, instance: str | None = None
) -> dict[Any, bool]:
    """Whether each existing row was already deleted, before the page is written (the rows of
    one Zendesk ``instance`` for an organization)."""
    where: dict[str, Any] = {f"{key}__in": list(keys)}
    if instance is not None:
        where["zd_instance"] = instance
    rows = model.objects.filter(**where).values_list(key, "deleted_at")
    return {k: deleted is not None for k, deleted in rows}


def _changes(before: dict[Any, bool], written: Sequence[Written], records: Sequence[Any], key: str):
    by_key = {getattr(r, key): r for r in records}
    for row in written:
        if row.inserted or row.key not in before:
            continue
        now_deleted = by_key[row.key].deleted_at is not None
        if now_deleted != before[row.key]:
            yield row, now_deleted


def record_account_deletions(
    before: dict[Any, bool], written: Sequence[Written], records: Sequence[Any]
) -> None:
    changed = dict(_changes(before, written, records, "sf_id"))
    for account in Account.objects.filter(pk__in=[w.pk for w in changed]):
        gone = next(d for w, d in changed.items() if w.pk == account.pk)
        account_event_record(
            account=account,
            actor=None,
            verb="sync.account_deleted" if gone else "sync.account_restored",
            summary="Deleted (or merged into another account) in Salesforce"
            if gone
            else "Restored in Salesforce",
            detail={"sf_id": account.sf_id},
        )


def record_org_deletions(before: dict[Any, bool], written: Sequence[Written], records: Sequence[Any]) -> None:
    changed = dict(_changes(before, written, records, "zd_id"))
    orgs = Organization.objects.filter(pk__in=[w.pk for w in changed], account__isnull=False)
    for org in orgs.select_related("account"):
        gone = next(d for w, d in changed.items() if w.pk == org.pk)
        account_event_record(
            account=org.account,  # type: ignore[arg-type]
            actor=None,
            verb="sync.organization_deleted" if gone else "sync.organization_restored",
            summary=f"Zendesk organization {org.name} {'deleted' if gone else 'restored'} in Zendesk",
            detail={"zd_id": org.zd_id},
        )


def people_deleted_in_page(
    model: type[SupportUser] | type[Contact], key: str, records: Sequence[Any], *, instance: str | None = None
) -> list[Person]:
    """People this page deletes whose mirror rows still hold personal data (read before the
    upsert clears them); a Zendesk user's rows of one ``instance``."""
    keys = (getattr(r, key) for r in records if r.deleted_at is not None)
    return deleted_people(model, key, keys, instance=instance)


def erase_people(people: Sequence[Person]) -> None:
    if people:
        people_erase(people)
