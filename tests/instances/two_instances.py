"""One account with rows in both instances (the restricted ``usgov`` one and ``global``), under
the same Zendesk numbers: an organization, a requester, an open ticket past its SLA, a bad
rating, a feedback item and a notes request done by support ops, each side's text telling them
apart (``GLOBAL_TEXT`` / ``USGOV_TEXT`` appear in every row's words)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Account, Organization
from contacts.models import SupportUser
from feedback.models import Feedback, Rating, Score
from supportops.models import OpsRequest, RequestStatus
from tests.factories import (
    AccountFactory,
    FeedbackFactory,
    OrganizationFactory,
    RatingFactory,
    SupportUserFactory,
    TicketFactory,
)
from tests.factories.supportops import NotesRequestFactory
from tests.instances.restricted import USGOV
from tickets.models import Ticket

TICKET_NUMBER = 4242
ORG_NUMBER = 880
GLOBAL_TEXT = "Zenithal"
USGOV_TEXT = "Federalia"


@dataclass
class Side:
    org: Organization
    requester: SupportUser
    ticket: Ticket
    rating: Rating
    feedback: Feedback
    request: OpsRequest


@dataclass
class World:
    account: Account
    glob: Side
    usgov: Side


def _side(account: Account, instance: str, text: str, forwarded_by: Any, requested_by: Any) -> Side:
    org = OrganizationFactory(account=account, zd_id=ORG_NUMBER, zd_instance=instance, name=f"{text} org")
    requester = SupportUserFactory(
        organization=org, zd_id=990, zd_instance=instance, name=f"{text} Requester", email=f"r@{text}.example"
    )
    ticket = TicketFactory(
        zd_id=TICKET_NUMBER,
        zd_instance=instance,
        requester=requester,
        subject=f"{text} pipeline outage",
        sla_due_at=timezone.now() - dt.timedelta(hours=2),
    )
    rating = RatingFactory(
        zd_id=777, zd_instance=instance, ticket=ticket, score=Score.BAD, comment=f"{text} rating words"
    )
    feedback = FeedbackFactory(
        ticket=ticket, forwarded_by=forwarded_by, customer_words=f"{text} feedback words"
    )
    request = NotesRequestFactory(
        organization=org, requested_by=requested_by, status=RequestStatus.DONE, notes=f"{text} notes"
    )
    return Side(org, requester, ticket, rating, feedback, request)


def build(csm: Any) -> World:
    """The world, with ``csm`` as the account's CSM who forwarded and filed everything."""
    account = AccountFactory(csm=csm, name="Shared Account")
    return World(
        account=account,
        glob=_side(account, "global", GLOBAL_TEXT, csm, csm),
        usgov=_side(account, USGOV, USGOV_TEXT, csm, csm),
    )
