"""Accounts of a CSM, each with one thing that needs doing, built as the sync and the CSM would."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Account
from feedback.models import Score
from supportops.models import RequestStatus
from tests.factories import (
    AccountFactory,
    FeedbackFactory,
    OrganizationFactory,
    RatingFactory,
    TicketFactory,
)
from tests.factories.accounts import start_checklist
from tests.factories.supportops import NotesRequestFactory
from tickets.models import Status


def account_of(csm, name: str, **fields) -> Account:
    """A healthy account of the CSM: linked to its Zendesk organization, renewal far away."""
    account = AccountFactory(csm=csm, name=name, **fields)
    OrganizationFactory(account=account)
    return account


def ticket_on(account: Account, **fields):
    org = account.organizations.first()
    return TicketFactory(requester=None, organization=org, account=account, **fields)


def breached(account: Account, n: int = 1) -> None:
    for _ in range(n):
        ticket_on(account, sla_due_at=timezone.now() - dt.timedelta(hours=2))


def due_in(account: Account, hours: float) -> None:
    ticket_on(account, sla_due_at=timezone.now() + dt.timedelta(hours=hours))


def open_feedback(account: Account) -> None:
    FeedbackFactory(ticket=ticket_on(account), account=account)


def bad_rating(account: Account) -> None:
    RatingFactory(ticket=ticket_on(account, status=Status.SOLVED), account=account, score=Score.BAD)


def renewing_in(account: Account, days: int) -> None:
    account.renewal_date = timezone.localdate() + dt.timedelta(days=days)
    account.save(update_fields=["renewal_date"])


def notes_done(account: Account) -> None:
    NotesRequestFactory(organization=account.organizations.first(), status=RequestStatus.DONE)


def onboarding(account: Account) -> None:
    start_checklist(account)


def data_problem(account: Account) -> None:
    account.organizations.update(technical_account_manager="Someone Else")


# One way to give an account each reason (csmportal.home.csm.Reason), most urgent first.
MAKERS = {
    "sla_breached": breached,
    "sla_due": lambda account: due_in(account, 3),
    "feedback": open_feedback,
    "bad_ratings": bad_rating,
    "renewal": lambda account: renewing_in(account, 10),
    "requests": notes_done,
    "onboarding": onboarding,
    "data": data_problem,
}


@pytest.fixture
def give():
    """give(account, "sla_breached"): the account gets that reason."""
    return lambda account, reason: MAKERS[reason](account)
