"""Emails about requests: who hears about which event, and what they read."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from csmportal.clearance import cleared_among, restricted_key
from csmportal.instances import restricted_keys
from users.models import User
from users.roles import Role

from .models import EventVerb, OpsRequest, RequestEvent

log = logging.getLogger(__name__)

SUBJECTS: dict[str, str] = {
    EventVerb.OPENED: "new request",
    EventVerb.COMMENTED: "new comment",
    EventVerb.DONE: "marked done, awaiting verification",
    EventVerb.VERIFIED: "verified in Zendesk and closed",
    EventVerb.FLAGGED: "done but not reflected in Zendesk",
    EventVerb.CANCELLED: "cancelled by the CSM",
    EventVerb.DECLINED: "declined by support ops",
}


def recipients_for(event: RequestEvent) -> list[str]:
    """Addresses told about an event (never the person who acted)."""
    item: OpsRequest = event.request
    ops_address = settings.SUPPORT_OPS_EMAIL
    requester = item.requested_by.email
    claimer = item.claimed_by.email if item.claimed_by_id and item.claimed_by else ""
    verb = event.verb
    if verb == EventVerb.OPENED:
        to = [ops_address]
    elif verb == EventVerb.COMMENTED:
        by_requester_side = event.actor_id in (item.requested_by_id, item.account.csm_id)
        to = [claimer or ops_address] if by_requester_side else [requester]
    elif verb in (EventVerb.DONE, EventVerb.VERIFIED, EventVerb.DECLINED):
        to = [requester]
    elif verb == EventVerb.FLAGGED:
        to = [claimer, ops_address]
    elif verb == EventVerb.CANCELLED:
        to = [claimer or ops_address]
    else:
        to = []  # claimed, released, confirmed: visible in the request's history
    actor_email = event.actor.email.lower() if event.actor_id and event.actor else ""
    key = None
    if restricted_keys() and item.organization_id and item.organization:  # no query otherwise
        key = restricted_key(item.organization.zd_instance)
    if key:
        to = _cleared_addresses(to, ops_address, key)
    unique: list[str] = []
    for address in to:
        if address and address.lower() != actor_email and address not in unique:
            unique.append(address)
    return unique


def _cleared_addresses(to: list[str], ops_address: str, key: str) -> list[str]:
    """A request about a restricted instance's organization is emailed only to people cleared for
    it: the support-ops mailbox (read by people who may not be) becomes the cleared support-ops
    people, and any other address must be a cleared person's."""
    wanted = [a.lower() for a in to if a and a != ops_address]
    people = dict(
        User.objects.filter(is_active=True, email__in=[a for a in to if a and a != ops_address]).values_list(
            "pk", "email"
        )
    )
    if ops_address in to:
        ops = (
            User.objects.filter(is_active=True)
            .filter(groups__name=Role.SUPPORT_OPS)
            .values_list("pk", "email")
        )
        people.update(dict(ops))
        wanted += [email.lower() for _, email in ops]
    cleared = cleared_among(people, key)
    return [email for pk, email in people.items() if pk in cleared and email.lower() in wanted]


def send_event_email(*, event_id: int) -> bool:
    """Send the email for one event, at most once per event (retries after a send skip it)."""
    event = (
        RequestEvent.objects.select_related(
            "actor",
            "request__account",
            "request__organization",
            "request__requested_by",
            "request__claimed_by",
        )
        .filter(pk=event_id, emailed_at__isnull=True)
        .first()
    )
    if event is None:
        return False
    to = recipients_for(event)
    if not to:
        return False
    item = event.request
    link = settings.SITE_URL + reverse("supportops:detail", args=[item.pk])
    subject = " ".join(
        f"[CSM Portal] Request {item.reference} ({item.get_kind_display()}, {item.account.name}): "
        f"{SUBJECTS.get(event.verb, event.get_verb_display())}".split()
    )
    body = render_to_string("supportops/email/event.txt", {"event": event, "item": item, "link": link})
    reply_to = [item.requested_by.email] if event.verb == EventVerb.OPENED else None
    EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to).send()
    RequestEvent.objects.filter(pk=event.pk).update(emailed_at=timezone.now())
    log.info("request %s: emailed %s about %s", item.pk, ", ".join(to), event.verb)
    return True
