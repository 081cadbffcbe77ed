"""Feedback fixtures: accounts with their CSM, a manager on duty, a ticket."""

import pytest

from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory
from tests.factories.feedback import RotationWeekFactory


@pytest.fixture
def account(csm):
    return AccountFactory(csm=csm, name="Acme Robotics", region="EMEA")


@pytest.fixture
def other_account(other_csm):
    return AccountFactory(csm=other_csm, name="Globex", region="AMER")


@pytest.fixture
def ticket(account):
    org = OrganizationFactory(account=account)
    return TicketFactory(requester=SupportUserFactory(organization=org), subject="Runner keeps timing out")


@pytest.fixture
def on_duty(manager):
    """The `manager` persona is on this week's review rotation."""
    RotationWeekFactory(manager=manager)
    return manager


def forward_kwargs(**overrides):
    """The arguments of a typical forward (the caller passes forwarded_by and account)."""
    data = {
        "sentiment": "negative",
        "channel": "email",
        "customer_words": "Nobody answered for three days.",
        "csm_context": "Renewal is next month.",
        "wants_manager_contact": False,
    }
    data.update(overrides)
    return data
