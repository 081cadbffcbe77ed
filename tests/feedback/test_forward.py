"""Forwarding (the service): assignment to the manager on duty, due dates, audit trail, and
the rules: only CSMs forward, as themselves; one submission makes one item."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AccountEvent
from feedback.models import EventKind, Feedback
from feedback.services import feedback_forward, feedback_link_tickets
from integrations.signals import page_synced
from tests.factories import TicketFactory, UserFactory
from tests.factories.feedback import RotationWeekFactory
from tests.feedback.conftest import forward_kwargs
from tests.instances import USGOV, USGOV_HOST, configure_two_instances

pytestmark = pytest.mark.django_db


def test_it_assigns_a_new_item_to_the_manager_on_duty(csm, account, ticket, on_duty):
    item = feedback_forward(forwarded_by=csm, account=account, ticket=ticket, **forward_kwargs())
    assert item.status == "new" and item.reviewing_manager == on_duty and item.assigned_at is not None
    assert item.forwarded_by == csm and item.zd_ticket_id == ticket.zd_id
    kinds = list(item.events.values_list("kind", "actor"))
    assert kinds == [(EventKind.FORWARDED, csm.pk), (EventKind.ASSIGNED, None)]


def test_it_leaves_the_item_unassigned_when_nobody_is_on_duty(csm, account, manager):
    RotationWeekFactory(manager=manager, week_start=dt.date(2020, 1, 6))  # an old week only
    item = feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    assert item.reviewing_manager is None
    assert list(item.events.values_list("kind", flat=True)) == [EventKind.FORWARDED]


def test_it_skips_a_rotation_manager_who_is_no_longer_a_manager(csm, account, manager):
    RotationWeekFactory(manager=manager)
    manager.groups.clear()
    item = feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    assert item.reviewing_manager is None


def test_it_sets_the_first_response_due_date(csm, account):
    seven_days = feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    assert seven_days.due_rule == "7 days"
    assert seven_days.first_response_due_at - seven_days.created_at == pytest.approx(
        dt.timedelta(days=7), abs=dt.timedelta(seconds=5)
    )
    urgent = feedback_forward(forwarded_by=csm, account=account, **forward_kwargs(wants_manager_contact=True))
    assert "48 hours Mon-Fri" in urgent.due_rule
    assert urgent.first_response_due_at < seven_days.first_response_due_at


def test_it_records_the_forward_in_the_accounts_audit_trail(csm, account, ticket):
    item = feedback_forward(forwarded_by=csm, account=account, ticket=ticket, **forward_kwargs())
    event = AccountEvent.objects.get(account=account)
    assert event.verb == "feedback.forwarded" and event.actor == csm
    assert event.detail["feedback"] == item.pk and f"#{ticket.zd_id}" in event.summary
    assert "Nobody answered" not in event.summary  # customer text stays on the item


@pytest.mark.parametrize("role", ["Support manager", "Support ops", None])
def test_it_lets_nobody_but_a_csm_forward(account, role):
    user = UserFactory(roles=[role] if role else [])
    with pytest.raises(PermissionDenied):
        feedback_forward(forwarded_by=user, account=account, **forward_kwargs())
    assert not Feedback.objects.exists()


def test_it_lets_a_csm_forward_for_a_colleagues_account(other_csm, account):
    item = feedback_forward(forwarded_by=other_csm, account=account, **forward_kwargs())
    assert item.forwarded_by == other_csm and item.account.csm != other_csm


def test_it_refuses_a_ticket_of_another_account(csm, account, other_account):
    foreign = TicketFactory(account=other_account)
    with pytest.raises(ValidationError, match="another account"):
        feedback_forward(forwarded_by=csm, account=account, ticket=foreign, **forward_kwargs())


def test_it_makes_one_item_of_a_repeated_submission(csm, account):
    key = uuid.uuid4()
    first = feedback_forward(forwarded_by=csm, account=account, submission_key=key, **forward_kwargs())
    again = feedback_forward(forwarded_by=csm, account=account, submission_key=key, **forward_kwargs())
    assert again.pk == first.pk and Feedback.objects.count() == 1


def test_it_does_not_hand_one_csms_submission_to_another(csm, other_csm, account):
    key = uuid.uuid4()
    feedback_forward(forwarded_by=csm, account=account, submission_key=key, **forward_kwargs())
    with pytest.raises(PermissionDenied):
        feedback_forward(forwarded_by=other_csm, account=account, submission_key=key, **forward_kwargs())


def test_it_requires_the_customers_words(csm, account):
    with pytest.raises(ValidationError):
        feedback_forward(forwarded_by=csm, account=account, **forward_kwargs(customer_words="  "))


def test_it_links_the_ticket_when_the_sync_brings_it(csm, account):
    item = feedback_forward(forwarded_by=csm, account=account, zd_ticket_id=424242, **forward_kwargs())
    assert item.ticket is None
    other = TicketFactory(zd_id=1)
    page_synced.send(sender=None, stream="zendesk.tickets", created=[other.pk], updated=[], deleted=[])
    item.refresh_from_db()
    assert item.ticket is None
    arrived = TicketFactory(zd_id=424242, account=account)
    page_synced.send(sender=None, stream="zendesk.tickets", created=[arrived.pk], updated=[], deleted=[])
    item.refresh_from_db()
    assert item.ticket == arrived
    assert item.events.filter(kind=EventKind.TICKET_LINKED).count() == 1
    # Idempotent: the same page again changes nothing.
    assert feedback_link_tickets(ticket_ids=[arrived.pk]) == 0


def test_it_ignores_other_streams(csm, account):
    item = feedback_forward(forwarded_by=csm, account=account, zd_ticket_id=5150, **forward_kwargs())
    arrived = TicketFactory(zd_id=5150, account=account)
    page_synced.send(sender=None, stream="zendesk.users", created=[arrived.pk], updated=[], deleted=[])
    item.refresh_from_db()
    assert item.ticket is None


def test_it_links_a_ticket_forwarded_by_link_to_its_own_instances_ticket(settings, csm, account, client):
    configure_two_instances(settings)
    client.force_login(csm)
    data = {"ticket": f"https://{USGOV_HOST}/agent/tickets/424242", "account": account.pk, **forward_kwargs()}
    data["submission_key"] = "6f1c3a7e-0d55-4b8e-9a7f-1b2c3d4e5f60"
    assert client.post(reverse("feedback:forward"), data).status_code == 302
    item = Feedback.objects.get()
    assert (item.zd_instance, item.zd_ticket_id, item.ticket) == (USGOV, 424242, None)
    same_number = TicketFactory(zd_id=424242, account=account)  # the global instance's
    feedback_link_tickets(ticket_ids=[same_number.pk])
    item.refresh_from_db()
    assert item.ticket is None
    arrived = TicketFactory(zd_id=424242, zd_instance=USGOV, account=account)
    feedback_link_tickets(ticket_ids=[arrived.pk])
    item.refresh_from_db()
    assert item.ticket == arrived
