"""Writes on customer accounts. The audit trail lives here; checklists and emails in submodules:

- `accounts.services.checklists`: start a checklist, complete/reopen/skip/assign/add/remove/move
  steps, re-check the automatic steps;
- `accounts.services.emails`: send a step's email from the portal and deliver it.
"""

from typing import Any

from ..models import Account, AccountEvent


def account_event_record(
    *, account: Account, actor: Any | None, verb: str, summary: str, detail: dict | None = None
) -> AccountEvent:
    """Add a line to the account's audit trail. Call it inside the change's transaction."""
    return AccountEvent.objects.create(
        account=account,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        summary=summary[:300],
        detail=detail or {},
    )
