"""What Salesforce changed on an account the portal already had, for the account's audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from accounts.models import Account
from accounts.services import account_event_record

from ..records import AccountRecord
from ..upsert import Written

# Fields a CSM cares to see change (the CSM itself is recorded when it is resolved).
AUDITED = {
    "name": "name",
    "account_type": "type",
    "support_level": "support level",
    "region": "region",
    "seats": "seats",
    "health": "health",
    "restricted": "restricted",
    "renewal_date": "renewal date",
    "sold_to_email": "sold-to email",
}


def snapshot(sf_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The audited values of these accounts before a page is written."""
    rows = Account.objects.filter(sf_id__in=list(sf_ids)).values("sf_id", *AUDITED)
    return {row.pop("sf_id"): row for row in rows}


def _shown(field: str, value: Any) -> str:
    if value in (None, ""):
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    choices = dict(getattr(Account._meta.get_field(field), "choices", None) or ())
    return str(choices.get(value, value))


def record_changes(
    before: dict[str, dict[str, Any]], written: Sequence[Written], records: Sequence[AccountRecord]
) -> int:
    """One audit line per existing account whose audited fields changed; returns how many."""
    by_key = {r.sf_id: r for r in records}
    changed: dict[Any, tuple[str, dict[str, list[Any]]]] = {}
    for row in written:
        old = before.get(row.key)
        if row.inserted or old is None:
            continue
        new = by_key[row.key]
        diff = {f: [old[f], getattr(new, f)] for f in AUDITED if old[f] != getattr(new, f)}
        if diff:
            parts = [f"{AUDITED[f]} {_shown(f, a)} → {_shown(f, b)}" for f, (a, b) in diff.items()]
            changed[row.pk] = ("Salesforce: " + "; ".join(parts), diff)
    for account in Account.objects.filter(pk__in=list(changed)):
        summary, diff = changed[account.pk]
        detail = {
            f: [str(a) if a is not None else None, str(b) if b is not None else None]
            for f, (a, b) in diff.items()
        }
        account_event_record(
            account=account, actor=None, verb="sync.account_changed", summary=summary, detail=detail
        )
    return len(changed)
