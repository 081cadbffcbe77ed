"""How accounts react to the sync: re-check the automatic onboarding steps."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from integrations.signals import stream_synced

# The streams whose data the automatic checks read (accounts, contacts, orgs, end users).
RECHECK_STREAMS = frozenset(
    {"salesforce.accounts", "salesforce.contacts", "zendesk.organizations", "zendesk.users"}
)


@receiver(stream_synced, dispatch_uid="accounts.recheck_after_sync")
def recheck_after_sync(sender: Any, stream: str, run: Any = None, **kwargs: Any) -> None:
    """Quick and idempotent: hand the re-check to a task once the current transaction commits.

    A run that changed nothing (the usual minute-by-minute case) cannot change a check's result.
    """
    if stream not in RECHECK_STREAMS:
        return
    if run is not None and not (run.created or run.updated or run.deleted):
        return
    from .tasks import recheck_checklists

    transaction.on_commit(lambda: recheck_checklists.delay())
