"""The rule: who hears about a newly seen ticket, and the findings when nobody does."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import (
    AccountWatch,
    Delivery,
    EmailStatus,
    Finding,
    FindingReason,
    Notification,
    NotificationPreference,
    Reason,
    WatchKind,
)
from notifications.rule import findings_recheck, notifications_create_for_tickets
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, UserFactory
from tests.instances import USGOV, configure_two_instances
from tests.notifications.conftest import announce
from tickets.models import Status

pytestmark = pytest.mark.django_db


def recipients(ticket):
    return sorted(Notification.objects.filter(ticket=ticket).values_list("recipient__email", flat=True))


def test_it_notifies_the_accounts_csm_by_email_when_the_sync_announces_a_new_ticket(
    csm, new_ticket, django_capture_on_commit_callbacks
):
    ticket = new_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    row = Notification.objects.get(ticket=ticket)
    assert (row.recipient, row.reason, row.email_status) == (csm, Reason.CSM, EmailStatus.SENT)
    assert [m.to for m in mail.outbox] == [[csm.email]]
    assert f"#{ticket.zd_id}" in mail.outbox[0].subject


def test_it_also_notifies_followers_but_not_people_who_muted_the_account(
    csm, other_csm, manager, account, new_ticket, django_capture_on_commit_callbacks
):
    AccountWatch.objects.create(user=other_csm, account=account, kind=WatchKind.FOLLOW)
    AccountWatch.objects.create(user=manager, account=account, kind=WatchKind.FOLLOW)
    AccountWatch.objects.create(user=csm, account=account, kind=WatchKind.MUTE)
    ticket = new_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    assert recipients(ticket) == sorted([other_csm.email, manager.email])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([other_csm.email, manager.email])
    assert set(Notification.objects.values_list("reason", flat=True)) == {Reason.FOLLOWER}
    assert not Finding.objects.exists()  # the CSM chose to mute: not a finding


def test_it_ignores_other_streams_and_tickets_that_only_changed(
    csm, new_ticket, django_capture_on_commit_callbacks
):
    ticket = new_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket, stream="zendesk.comments")
        announce(stream="zendesk.tickets", updated=[ticket])
    assert not Notification.objects.exists() and not mail.outbox


def test_it_respects_each_persons_delivery_preference(
    csm, other_csm, manager, account, new_ticket, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=other_csm, delivery=Delivery.DIGEST)
    NotificationPreference.objects.create(user=manager, delivery=Delivery.IN_APP)
    for person in (other_csm, manager):
        AccountWatch.objects.create(user=person, account=account, kind=WatchKind.FOLLOW)
    ticket = new_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    rows = {n.recipient: n for n in Notification.objects.filter(ticket=ticket)}
    assert (rows[csm].delivery, rows[csm].email_status) == (Delivery.IMMEDIATE, EmailStatus.SENT)
    assert (rows[other_csm].delivery, rows[other_csm].email_status) == (Delivery.DIGEST, EmailStatus.PENDING)
    assert (rows[manager].delivery, rows[manager].email_status) == (Delivery.IN_APP, EmailStatus.NOT_EMAILED)
    assert [m.to for m in mail.outbox] == [[csm.email]]


def test_it_leaves_out_inactive_people_and_people_without_a_role(
    csm, account, new_ticket, django_capture_on_commit_callbacks
):
    csm.is_active = False
    csm.save()
    roleless = UserFactory()
    AccountWatch.objects.create(user=roleless, account=account, kind=WatchKind.FOLLOW)
    ticket = new_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    assert not Notification.objects.exists() and not mail.outbox
    assert Finding.objects.get(ticket=ticket).reason == FindingReason.NO_RECIPIENT


@pytest.mark.parametrize(
    "setup,reason",
    [
        ("deleted", FindingReason.DELETED),
        ("no_org", FindingReason.NO_ORGANIZATION),
        ("unlinked_org", FindingReason.UNLINKED_ORGANIZATION),
        ("unknown_org", FindingReason.UNLINKED_ORGANIZATION),
        ("no_csm", FindingReason.NO_RECIPIENT),
    ],
)
def test_it_notifies_nobody_about_deleted_or_unlinked_tickets_and_keeps_a_finding(
    csm, new_ticket, setup, reason, django_capture_on_commit_callbacks
):
    if setup == "deleted":
        ticket = new_ticket(status=Status.DELETED)
    elif setup == "no_org":
        ticket = new_ticket(requester=SupportUserFactory(organization=None), org=None)
    elif setup == "unlinked_org":
        ticket = new_ticket(org=OrganizationFactory(account=None))
    elif setup == "unknown_org":  # the org is not synced yet: only its Zendesk id is known
        ticket = new_ticket(
            requester=SupportUserFactory(organization=None), org=None, zd_organization_id=424242
        )
    else:
        ticket = new_ticket(org=OrganizationFactory(account=AccountFactory(csm=None)))
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    assert not Notification.objects.exists() and not mail.outbox
    finding = Finding.objects.get(ticket=ticket)
    assert (finding.reason, finding.resolved_at) == (reason, None)


def test_it_does_not_notify_about_tickets_opened_before_the_window_so_a_backfill_floods_nobody(
    csm, new_ticket, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_TICKET_AGE_HOURS = 24
    old = new_ticket(zd_created_at=timezone.now() - dt.timedelta(hours=25))
    old_deleted = new_ticket(zd_created_at=timezone.now() - dt.timedelta(days=90), status=Status.DELETED)
    recent = new_ticket(zd_created_at=timezone.now() - dt.timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        announce(old, old_deleted, recent)
    assert list(Notification.objects.values_list("ticket_id", flat=True)) == [recent.pk]
    assert not Finding.objects.exists()  # old tickets are not findings either
    assert len(mail.outbox) == 1


def test_a_backfill_page_of_old_tickets_puts_nothing_on_the_urgent_queue(new_ticket, settings, published):
    """The old tickets of a backfill's pages never reach the rule's task: the urgent queue stays
    free for the tickets that may notify someone."""
    settings.NOTIFICATIONS_MAX_TICKET_AGE_HOURS = 24
    old = [new_ticket(zd_created_at=timezone.now() - dt.timedelta(days=d)) for d in (2, 30, 400)]
    recent = new_ticket(zd_created_at=timezone.now() - dt.timedelta(hours=1))
    announce(*old)
    assert [name for name, _ in published if name == "notifications.process_new_tickets"] == []
    announce(*old, recent)
    assert ("notifications.process_new_tickets", ([recent.pk],)) in published


def test_it_finds_the_account_through_the_organization_when_the_ticket_was_saved_before_the_link(
    csm, account, django_capture_on_commit_callbacks
):
    from tests.factories import TicketFactory

    org = OrganizationFactory(account=account)
    ticket = TicketFactory(
        requester=SupportUserFactory(organization=None),
        organization=None,
        account=None,
        zd_organization_id=org.zd_id,
    )
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    assert recipients(ticket) == [csm.email]


def test_it_notifies_once_a_finding_gets_linked_and_marks_it_resolved(
    csm, account, new_ticket, django_capture_on_commit_callbacks
):
    org = OrganizationFactory(account=None)
    ticket = new_ticket(org=org)
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    assert Finding.objects.get(ticket=ticket).reason == FindingReason.UNLINKED_ORGANIZATION

    org.account = account  # the organizations sync links it
    org.save()
    with django_capture_on_commit_callbacks(execute=True):
        findings_recheck()
        findings_recheck()  # a second re-check changes nothing
    assert recipients(ticket) == [csm.email]
    assert Finding.objects.get(ticket=ticket).resolved_at is not None
    assert len(mail.outbox) == 1


def test_it_rechecks_findings_when_a_linking_stream_finishes(
    csm, account, new_ticket, django_capture_on_commit_callbacks
):
    from integrations.signals import stream_synced

    org = OrganizationFactory(account=None)
    ticket = new_ticket(org=org)
    notifications_create_for_tickets(ticket_ids=[ticket.pk])
    org.account = account
    org.save()
    with django_capture_on_commit_callbacks(execute=True):
        stream_synced.send(sender=None, stream="zendesk.tickets", run=None)  # not a linking stream
        assert not Notification.objects.exists()
        stream_synced.send(sender=None, stream="zendesk.organizations", run=None)
    assert recipients(ticket) == [csm.email]


def test_it_rechecks_an_updated_ticket_that_notified_nobody(csm, account, django_capture_on_commit_callbacks):
    from tests.factories import TicketFactory

    ticket = TicketFactory(
        requester=SupportUserFactory(organization=None),
        organization=None,
        account=None,
        zd_organization_id=None,
    )
    notifications_create_for_tickets(ticket_ids=[ticket.pk])
    org = OrganizationFactory(account=account)
    ticket.organization, ticket.account, ticket.zd_organization_id = org, account, org.zd_id
    ticket.save()  # the customer's agent moved the ticket into the right organization
    with django_capture_on_commit_callbacks(execute=True):
        announce(updated=[ticket])
    assert recipients(ticket) == [csm.email]


def test_it_returns_what_it_claimed_and_claims_nothing_the_second_time(csm, new_ticket):
    ticket = new_ticket()
    first = notifications_create_for_tickets(ticket_ids=[ticket.pk])
    second = notifications_create_for_tickets(ticket_ids=[ticket.pk])
    assert len(first.claimed) == 1 and first.immediate == first.claimed
    assert second.claimed == [] and second.immediate == []
    assert Notification.objects.count() == 1


@pytest.fixture
def broker_down():
    """Celery publishing to a broker nobody listens on (no retries), as when Redis is down."""
    from celery import current_app

    conf = current_app.conf
    keys = ("task_always_eager", "broker_url", "task_publish_retry", "broker_transport_options")
    saved = {k: conf[k] for k in keys}
    conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:9/0",
        task_publish_retry=False,
        broker_transport_options={"max_retries": 0},
    )
    current_app._pool = None
    current_app.amqp._producer_pool = None
    yield
    conf.update(saved)
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_rows_are_still_claimed_for_the_hourly_sweep(broker_down):
    from notifications.sending import STUCK_AFTER, stuck_immediate
    from tests.factories import TicketFactory, UserFactory

    csm = UserFactory(roles=["CSM"])
    org = OrganizationFactory(account=AccountFactory(csm=csm))
    ticket = TicketFactory(requester=SupportUserFactory(organization=org))
    announce(ticket)  # neither the rule's task nor the email's can be enqueued
    row = Notification.objects.get(ticket=ticket)
    assert (row.recipient, row.email_status) == (csm, EmailStatus.PENDING) and not mail.outbox
    Notification.objects.update(created_at=timezone.now() - STUCK_AFTER * 2)
    assert stuck_immediate() == [row.pk]  # what the hourly task re-sends


def test_an_unlinked_ticket_finds_the_account_through_its_own_instances_organization(
    csm, account, settings, django_capture_on_commit_callbacks
):
    from tests.factories import TicketFactory

    configure_two_instances(settings)
    org = OrganizationFactory(account=account, zd_instance=USGOV)  # the other instance's org of that number
    ticket = TicketFactory(
        requester=SupportUserFactory(organization=None),
        organization=None,
        account=None,
        zd_organization_id=org.zd_id,
    )
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    assert recipients(ticket) == []
    assert Finding.objects.get(ticket=ticket).reason == FindingReason.UNLINKED_ORGANIZATION
    gov = TicketFactory(
        requester=SupportUserFactory(organization=None),
        organization=None,
        account=None,
        zd_organization_id=org.zd_id,
        zd_instance=USGOV,
    )
    with django_capture_on_commit_callbacks(execute=True):
        announce(gov)
    assert recipients(gov) == [csm.email]
