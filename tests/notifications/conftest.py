"""Fixtures of the notification tests: an account with a CSM, new tickets, and what got enqueued."""

import pytest
from celery import current_app
from celery.signals import before_task_publish

from integrations.signals import page_synced
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory


@pytest.fixture
def account(csm):
    return AccountFactory(name="Acme Rockets", csm=csm)


@pytest.fixture
def org(account):
    return OrganizationFactory(account=account, name="Acme Rockets")


@pytest.fixture
def new_ticket(org):
    """Make a ticket of the account (or of `org=`) as the sync would have stored it."""

    def make(**fields):
        org_ = fields.pop("org", org)
        requester = fields.pop("requester", None) or SupportUserFactory(organization=org_)
        return TicketFactory(requester=requester, **fields)

    return make


def announce(*tickets, stream="zendesk.tickets", updated=()):
    """What the sync does after committing a page: page_synced with the rows it created.

    Sent robustly, as the sync's runner does (another app's receiver failing does not stop
    ours); a failure of the notification receiver itself is raised.
    """
    responses = page_synced.send_robust(
        sender=None,
        stream=stream,
        created=[t.pk for t in tickets],
        updated=[t.pk for t in updated],
        deleted=[],
    )
    for receiver, response in responses:
        if isinstance(response, Exception) and receiver.__module__.startswith("notifications."):
            raise response


@pytest.fixture
def published():
    """Celery messages really published to the broker (not run), as (task name, args).

    The test settings run tasks eagerly; here they go to the in-memory broker instead, so a
    test sees exactly what a request enqueued.
    """
    sent: list[tuple[str, tuple]] = []

    def record(sender=None, headers=None, body=None, **kwargs):
        args = body[0] if isinstance(body, tuple | list) and body else ()
        sent.append((headers.get("task") if headers else sender, tuple(args)))

    conf = current_app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False
    before_task_publish.connect(record, weak=False)
    try:
        yield sent
    finally:
        before_task_publish.disconnect(record)
        conf.task_always_eager = eager


def sandbox_customer(handle, csm):
    """An account of the CSM whose organization and one end user ("Robin Customer") are the
    sandbox's own, as the sync would have mirrored them: (account, org record, person record)."""
    org_rec = handle.state.world.orgs[2]
    person = handle.state.add_user("Robin Customer", "robin@customer.example", org_rec["id"])
    account = AccountFactory(name="Acme Rockets", csm=csm)
    org = OrganizationFactory(account=account, name=org_rec["name"], zd_id=org_rec["id"])
    SupportUserFactory(
        organization=org, zd_id=person["id"], name="Robin Customer", email="robin@customer.example"
    )
    return account, org_rec, person
