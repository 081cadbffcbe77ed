"""Events addressed to a person, put in their bell: one generic row per (event, recipient).

The apps record what happened in their own histories (`supportops.RequestEvent`,
`feedback.FeedbackEvent`, `accounts.AccountEvent`); `notifications.sources` reads those as they
are saved (post_save, inside the change's transaction) and says who the event is addressed to.
This module writes the rows: in the portal only (the source app sends its own email, if any),
once per `event_key` and recipient whatever happens (a unique constraint; a second recording
inserts nothing). An event about a restricted Zendesk instance's data (a request about its
organization, feedback about its ticket) reaches only the people cleared for it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from csmportal.clearance import cleared_among
from users.models import User
from users.roles import Role

from .models import Delivery, EmailStatus, Notification


@dataclass(frozen=True)
class PersonEvent:
    """What one event tells its recipients (the same line for each of them)."""

    key: str  # unique per source event, e.g. "supportops.RequestEvent:12"
    kind: str  # a notifications.models.Kind
    summary: str  # one line, already in the reader's words
    link: str  # a portal path
    actor: Any | None = None
    account_id: int | None = None
    instance: str = ""  # the Zendesk instance the event is about ("" for none: an account's step)


def person_event_notify(*, event: PersonEvent, recipients: Iterable[tuple[Any, str]]) -> int:
    """Put the event in each recipient's bell: not the person who acted, only active people
    holding a role (and cleared for the event's instance, when it is a restricted one).
    Returns how many rows were offered (a repeat inserts none of them)."""
    actor_id = getattr(event.actor, "pk", None)
    wanted: dict[int, str] = {}
    for person, reason in recipients:
        if person is not None and person.pk != actor_id:
            wanted.setdefault(person.pk, reason)
    if not wanted:
        return 0
    candidates = (
        User.objects.filter(pk__in=wanted, is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=Role.values))
        .values_list("pk", flat=True)
        .distinct()
    )
    allowed = cleared_among(candidates, event.instance)
    now = timezone.now()
    rows = [
        Notification(
            kind=event.kind,
            recipient_id=user_id,
            reason=wanted[user_id],
            delivery=Delivery.IN_APP,
            email_status=EmailStatus.NOT_EMAILED,
            actor_id=actor_id,
            account_id=event.account_id,
            summary=event.summary[:300],
            link=event.link[:300],
            event_key=event.key[:64],
            zd_instance=event.instance,
            created_at=now,
        )
        for user_id in sorted(set(allowed))
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
