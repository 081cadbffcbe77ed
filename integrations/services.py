"""Writes of the integrations app: ask for syncs, fetch one ticket."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from csmportal import instances
from csmportal.instances import GLOBAL

from .models import Stream, SyncState
from .records import TicketRecord
from .runner import _send_page_synced, retrying_conflicts
from .streams import PageResult, get_stream, split_key, stream_key, stream_keys, write_tickets

log = logging.getLogger(__name__)


def sync_request(*, user: Any, streams: Sequence[str]) -> list[str]:
    """Someone pressed "sync now": mark the streams (keys: ``zendesk.tickets``,
    ``zendesk.tickets@usgov``) as queued and enqueue their tasks (after commit). Returns the
    streams queued. A stream already running is not started twice: the run under way reads to
    the end of the source and serves the request."""
    from .tasks import SYNC_TASKS

    known = set(stream_keys())
    wanted = [s for s in streams if s in known]
    if not wanted:
        return []
    now = timezone.now()
    for stream in wanted:
        SyncState.objects.get_or_create(stream=stream)
    SyncState.objects.filter(stream__in=wanted).update(requested_at=now)
    user_id = getattr(user, "pk", None)
    for stream in wanted:
        name, instance = split_key(stream)
        kwargs: dict[str, Any] = {"trigger": "manual", "user_id": user_id}
        if instance != GLOBAL:  # the global instance's task is called as before instances
            kwargs["instance"] = instance
        transaction.on_commit(partial(SYNC_TASKS[name].apply_async, kwargs=kwargs))
    log.info("sync requested by user %s: %s", user_id, ", ".join(wanted))
    return wanted


def ticket_record_write(*, record: TicketRecord, instance: str = GLOBAL) -> PageResult:
    """Write one fetched ticket of ``instance`` exactly as that instance's stream writes a page
    of them: the same upsert (an older version never overwrites a newer one), links, and
    page_synced after commit."""

    def write() -> PageResult:
        with transaction.atomic():
            result = write_tickets([record], instance=instance)
            transaction.on_commit(partial(_send_page_synced, Stream.ZD_TICKETS.value, result, instance))
        return result

    return retrying_conflicts(write)


def ticket_fetch(*, zd_id: int, instance: str = GLOBAL, client: Any = None) -> PageResult | None:
    """Fetch ticket ``zd_id`` of the Zendesk ``instance`` (with its SLA, with that instance's
    client) and write it as that instance's ticket. None when Zendesk no longer has it (a
    deleted ticket reaches the portal through the ticket stream). KeyError for an instance
    not configured."""
    from .zendesk import ZendeskClient

    client = client or ZendeskClient.for_instance(instance)
    record = client.ticket(int(zd_id))
    if record is None:
        log.info("ticket %s: not found in Zendesk", zd_id)
        return None
    return ticket_record_write(record=record, instance=instance)


def field_mapping_set(*, changes: dict[str, str], user: Any) -> list[str]:
    """Save an admin's field names (``mapping.form_key`` -> the source's name; "" = not mapped:
    ``zendesk.organization.cmp_id`` is the global instance's, ``...@usgov`` that instance's),
    audit each change, and sync every stream whose names changed again from the start (its
    cursor goes back to the beginning, and a run is requested). A Zendesk name changes that
    instance's streams, and those of the instances that follow the global one when it is the
    global one's. An instance's name equal to the global one's is not kept apart: the instance
    follows the global one again. Returns the streams re-synced."""
    from . import mapping
    from .models import FieldMapping, FieldMappingChange

    by = user if getattr(user, "pk", None) else None
    configured = instances.keys()
    with transaction.atomic():
        before = mapping.stored()
        wanted = _mapping_changes(changes, before, configured)
        for (key, instance), (old, new) in wanted.items():
            follows = instance not in ("", GLOBAL) and new == _global_name(key, wanted, before)
            if follows:
                FieldMapping.objects.filter(key=key, zd_instance=instance).delete()
            else:
                FieldMapping.objects.update_or_create(
                    key=key, zd_instance=instance, defaults={"source_name": new, "updated_by": by}
                )
            FieldMappingChange.objects.create(
                key=key, zd_instance=instance, old_name=old, new_name=new, changed_by=by
            )
            log.info(
                "field mapping %s (%s): %r -> %r by user %s", key, instance, old, new, getattr(by, "pk", None)
            )
        streams = _changed_streams(before, mapping.stored(), configured)
        for stream in streams:
            SyncState.objects.get_or_create(stream=stream)
            SyncState.objects.filter(stream=stream).update(
                cursor=get_stream(stream).full_cursor(), watermark=None
            )
        transaction.on_commit(mapping.forget)
    mapping.forget()
    if streams:
        sync_request(user=user, streams=streams)
    return streams


def _mapping_changes(
    changes: dict[str, str], before: dict[str, dict[str, str]], configured: list[str]
) -> dict[tuple[str, str], tuple[str, str]]:
    """{(key, instance): (old name, new name)} of the names that differ from what is in use;
    ValueError for a required field left empty or an instance not configured."""
    from . import mapping

    out = {}
    for name, value in changes.items():
        key, instance = mapping.split_form_key(name)
        if instance and instance not in configured:
            raise ValueError(f"No Zendesk instance {instance!r} is configured.")
        field = mapping.BY_KEY[key]
        new = (value or "").strip()
        old = mapping.resolve(before, instance or GLOBAL)[key]
        if new == old:
            continue
        if not new and field.required:
            where = f" ({instances.get(instance).name})" if instance not in ("", GLOBAL) else ""
            raise ValueError(f"{field.label}{where} is required: it cannot be left unmapped.")
        out[(key, instance)] = (old, new)
    return out


def _global_name(key: str, wanted: dict, before: dict[str, dict[str, str]]) -> str:
    from . import mapping

    change = wanted.get((key, GLOBAL))
    return change[1] if change else mapping.resolve(before, GLOBAL)[key]


def _changed_streams(before: dict, after: dict, configured: list[str]) -> list[str]:
    """The keys of the streams that read a name that differs between ``before`` and ``after``."""
    from . import mapping

    names: set[tuple[str, str]] = set()
    for instance in configured:
        old, new = mapping.resolve(before, instance), mapping.resolve(after, instance)
        for field in mapping.FIELDS:
            if old[field.key] != new[field.key]:
                names.add((field.stream, GLOBAL if field.source == mapping.SALESFORCE else instance))
    return sorted(stream_key(name, instance) for name, instance in names)


def csm_relink_for_user(*, user: Any) -> list[Any]:
    """Match again the Salesforce users with this person's address and those matched to them,
    and set the CSM of their accounts (run when the person's address is proven or changed,
    not only at the next users sync). Returns the accounts whose CSM changed."""
    from django.db.models import Q

    from accounts.models import SalesforceUser

    from . import links
    from .streams.salesforce_objects import relink_csms

    sf_users = list(
        SalesforceUser.objects.filter(Q(email__iexact=user.email) | Q(portal_user=user)).values_list(
            "pk", "sf_id"
        )
    )
    if not sf_users:
        return []
    links.link_portal_users(sf_user_pks=[pk for pk, _ in sf_users])
    return relink_csms(Q(csm_sf_user_id__in=[sf_id for _, sf_id in sf_users]) | Q(csm=user))
