"""Closing the loop: after each Zendesk organization sync, verify and flag requests."""

import logging
from typing import Any

from django.dispatch import receiver

from integrations.signals import page_synced, stream_synced

from . import services

log = logging.getLogger(__name__)

ORGANIZATIONS_STREAM = "zendesk.organizations"


@receiver(page_synced, dispatch_uid="supportops.verify_changed_orgs")
def verify_changed_orgs(sender: Any, stream: str, **kwargs: Any) -> None:
    """A page of orgs was saved: verify the active requests of the orgs it created or changed."""
    if stream != ORGANIZATIONS_STREAM:
        return
    ids = [*kwargs.get("created", []), *kwargs.get("updated", [])]
    if not ids:
        return
    try:
        services.ops_requests_verify(organization_ids=ids)
    except Exception:  # a receiver must never fail the sync that sent the signal
        log.exception("verifying support-ops requests after an organization page failed")


@receiver(stream_synced, dispatch_uid="supportops.check_after_org_sync")
def check_after_org_sync(sender: Any, stream: str, **kwargs: Any) -> None:
    """The org stream finished a run: verify every active request, then flag stale ones."""
    if stream != ORGANIZATIONS_STREAM:
        return
    try:
        services.ops_requests_verify()
        services.ops_requests_flag_stale()
    except Exception:  # a receiver must never fail the sync that sent the signal
        log.exception("checking support-ops requests after the organization sync failed")
