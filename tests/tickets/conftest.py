"""Fixtures of the tickets tests: a small world of accounts owned by the CSM personas."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory
from tests.factories.tickets import ReviewedTicketFactory


@pytest.fixture
def world(csm, other_csm):
    """Two accounts of the CSM, one of another CSM, one without a CSM; a requester in each."""
    mine = AccountFactory(name="Acme Rockets", csm=csm)
    mine2 = AccountFactory(name="Blue Yonder", csm=csm)
    theirs = AccountFactory(name="Contoso", csm=other_csm)
    orphan = AccountFactory(name="Dunder Mifflin", csm=None)
    people = {}
    for key, account in {"mine": mine, "mine2": mine2, "theirs": theirs, "orphan": orphan}.items():
        org = OrganizationFactory(account=account)
        people[key] = SupportUserFactory(organization=org, name=f"{account.name} person")
    return {"mine": mine, "mine2": mine2, "theirs": theirs, "orphan": orphan, "people": people}


@pytest.fixture
def make_ticket(world):
    """A reviewed ticket of one of the world's accounts (by key), opened `days_ago`."""

    def make(key: str = "mine", days_ago: float = 1, **fields):
        opened = fields.pop("zd_created_at", timezone.now() - dt.timedelta(days=days_ago))
        return ReviewedTicketFactory(
            requester=world["people"][key], zd_created_at=opened, zd_updated_at=opened, **fields
        )

    return make


@pytest.fixture(autouse=True)
def _project_celery_app():
    """The tickets' tasks run through the project's Celery app (eager in tests). A test that
    creates another Celery app makes it the current one for the rest of the process; put the
    project's back so `shared_task(...).delay()` here runs the review inline as configured."""
    from celery import current_app

    from csmportal.celery import app

    previous = current_app._get_current_object()
    app.set_current()
    yield
    previous.set_current()
