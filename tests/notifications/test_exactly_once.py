"""Exactly once per ticket and recipient, whatever the mix of repeats, retries and workers."""

import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import sending
from notifications.models import AccountWatch, EmailStatus, Notification, WatchKind
from notifications.rule import notifications_create_for_tickets
from notifications.tasks import send_digests, send_email
from tests.factories import (
    AccountFactory,
    OrganizationFactory,
    SupportUserFactory,
    TicketFactory,
    UserFactory,
)
from tests.notifications.conftest import announce

pytestmark = pytest.mark.django_db


class FlakyBackend:
    """A mail backend that fails the first `failures` sends (then hands on to locmem)."""

    failures = 0
    calls = 0

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return self.inner.send_messages(messages)

    def open(self):
        return True

    def close(self):
        return None


@pytest.fixture
def flaky(settings):
    """Failing sends; eager tasks then retry at once, as a worker would after the countdown."""
    from celery import current_app

    settings.EMAIL_BACKEND = "tests.notifications.test_exactly_once.FlakyBackend"
    FlakyBackend.calls = 0
    FlakyBackend.failures = 0
    propagates = current_app.conf.task_eager_propagates
    current_app.conf.task_eager_propagates = False  # let eager retries chain instead of raising
    yield FlakyBackend
    current_app.conf.task_eager_propagates = propagates


def test_it_sends_one_email_however_often_the_ticket_is_announced(
    csm, new_ticket, django_capture_on_commit_callbacks
):
    ticket = new_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):  # three webhook fetches and a poll, one after the other
            announce(ticket)
        announce(ticket)
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_status == EmailStatus.SENT


def test_it_sends_once_when_the_email_task_itself_runs_twice(csm, new_ticket):
    ticket = new_ticket()
    notification_id = notifications_create_for_tickets(ticket_ids=[ticket.pk]).claimed[0]
    assert send_email.delay(notification_id).get() is True
    assert send_email.delay(notification_id).get() is False  # a redelivered message
    assert len(mail.outbox) == 1


def test_a_failed_send_retries_and_still_sends_exactly_one_email(csm, new_ticket, flaky):
    flaky.failures = 2
    ticket = new_ticket()
    notification_id = notifications_create_for_tickets(ticket_ids=[ticket.pk]).claimed[0]
    send_email.delay(notification_id)  # eager: the retries run at once
    row = Notification.objects.get(pk=notification_id)
    assert (row.email_status, row.attempts, row.last_error) == (EmailStatus.SENT, 3, "")
    assert len(mail.outbox) == 1 and flaky.calls == 3


def test_it_marks_the_email_failed_after_the_last_retry_and_shows_why(csm, new_ticket, flaky):
    flaky.failures = 100
    ticket = new_ticket()
    notification_id = notifications_create_for_tickets(ticket_ids=[ticket.pk]).claimed[0]
    result = send_email.delay(notification_id)
    assert result.state == "FAILURE" and isinstance(result.result, sending.EmailNotSent)
    assert flaky.calls == 7  # the first try and six retries
    row = Notification.objects.get(pk=notification_id)
    assert row.email_status == EmailStatus.FAILED
    assert "SMTPServerDisconnected" in row.last_error
    assert not mail.outbox


def test_a_claim_left_by_a_dead_worker_is_taken_over_only_after_its_lease(csm, new_ticket):
    ticket = new_ticket()
    notification_id = notifications_create_for_tickets(ticket_ids=[ticket.pk]).claimed[0]
    Notification.objects.filter(pk=notification_id).update(
        email_status=EmailStatus.SENDING, claim_token="dead-worker", claimed_at=timezone.now()
    )
    assert sending.notification_email_send(notification_id=notification_id) is False  # still in flight
    Notification.objects.filter(pk=notification_id).update(
        claimed_at=timezone.now() - sending.CLAIM_LEASE * 2
    )
    assert sending.stuck_immediate() == [notification_id]
    send_digests.delay()  # the hourly sweep re-sends it
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification_id).email_status == EmailStatus.SENT


def test_the_hourly_sweep_resends_an_email_whose_task_was_lost(csm, new_ticket):
    ticket = new_ticket()
    notification_id = notifications_create_for_tickets(ticket_ids=[ticket.pk]).claimed[0]
    assert sending.stuck_immediate() == []  # just created: its task is on the way
    Notification.objects.filter(pk=notification_id).update(
        created_at=timezone.now() - sending.STUCK_AFTER * 2
    )
    assert send_digests.delay().get()["resent"] == 1
    assert len(mail.outbox) == 1


def test_a_burst_of_500_new_tickets_sends_500_emails_to_the_right_csms_and_no_one_else(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    csms = [UserFactory(email=f"csm{i}@example.com", roles=["CSM"]) for i in range(5)]
    bystanders = [UserFactory(email=f"bystander{i}@example.com", roles=["CSM"]) for i in range(3)]
    orgs = [OrganizationFactory(account=AccountFactory(csm=person)) for person in csms]
    AccountWatch.objects.create(user=bystanders[0], account=orgs[0].account, kind=WatchKind.MUTE)
    unlinked = OrganizationFactory(account=None)
    requesters = [SupportUserFactory(organization=org) for org in orgs]
    tickets = [TicketFactory(requester=requesters[i % 5]) for i in range(500)]
    strays = [TicketFactory(requester=SupportUserFactory(organization=unlinked)) for _ in range(20)]
    expected = {t.zd_id: csms[i % 5].email for i, t in enumerate(tickets)}

    # The rule takes a handful of queries for a 500-ticket page; the emails go out after commit.
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(40):
        result = notifications_create_for_tickets(ticket_ids=[t.pk for t in tickets + strays])
    assert len(result.claimed) == 500 and len(result.findings) == 20

    assert len(mail.outbox) == 500
    sent = {int(m.extra_headers["X-CSM-Portal-Ticket"]): m.to for m in mail.outbox}
    assert sent == {zd_id: [email] for zd_id, email in expected.items()}
    assert not {m.to[0] for m in mail.outbox} & {b.email for b in bystanders}


def _run_concurrently(workers):
    barrier = threading.Barrier(len(workers))
    errors = []

    def run(work):
        try:
            barrier.wait(timeout=10)
            work()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_announcing_the_same_tickets_send_each_email_once():
    csm = UserFactory(roles=["CSM"])
    follower = UserFactory(roles=["Support manager"])
    org = OrganizationFactory(account=AccountFactory(csm=csm))
    AccountWatch.objects.create(user=follower, account=org.account, kind=WatchKind.FOLLOW)
    tickets = [TicketFactory(requester=SupportUserFactory(organization=org)) for _ in range(10)]

    # Three webhook deliveries and a poll, each in its own worker, announce the same page at once.
    _run_concurrently([lambda: announce(*tickets) for _ in range(4)])

    assert Notification.objects.count() == 20
    assert len(mail.outbox) == 20
    assert sorted((m.to[0], m.extra_headers["X-CSM-Portal-Ticket"]) for m in mail.outbox) == sorted(
        (person.email, str(t.zd_id)) for t in tickets for person in (csm, follower)
    )
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_email_tasks_for_one_notification_send_it_once():
    csm = UserFactory(roles=["CSM"])
    org = OrganizationFactory(account=AccountFactory(csm=csm))
    ticket = TicketFactory(requester=SupportUserFactory(organization=org))
    notification_id = notifications_create_for_tickets(ticket_ids=[ticket.pk]).claimed[0]
    mail.outbox.clear()  # on_commit already sent it in this transactional test; start again
    Notification.objects.update(email_status=EmailStatus.PENDING, sent_at=None)

    _run_concurrently([lambda: sending.notification_email_send(notification_id=notification_id)] * 5)
    assert len(mail.outbox) == 1
