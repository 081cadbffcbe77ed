"""Emails: to the manager on assignment, to the CSM on the outcome; only after the change
commits, at most once per event, and in the recipient's own time zone."""

import zoneinfo

import pytest
from django.db import transaction

from feedback.emails import send_event_email
from feedback.models import EventKind, FeedbackEvent
from feedback.services import feedback_comment, feedback_forward, feedback_reassign
from feedback.workflow import feedback_close, feedback_mark_actioned, feedback_triage
from tests.factories import UserFactory
from tests.feedback.conftest import forward_kwargs

pytestmark = pytest.mark.django_db

TRIAGE = {"summary": "Slow replies", "action": "Coach the engineer", "contact_customer": True}


@pytest.fixture
def forwarded(csm, account, ticket, on_duty, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        item = feedback_forward(forwarded_by=csm, account=account, ticket=ticket, **forward_kwargs())
    mailoutbox.clear()
    return item


def test_it_emails_the_manager_on_duty_when_an_item_is_assigned(
    csm, account, ticket, on_duty, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = feedback_forward(forwarded_by=csm, account=account, ticket=ticket, **forward_kwargs())
    assert mailoutbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [on_duty.email]
    assert message.subject == "[CSM Portal] Feedback to review: Acme Robotics"
    assert f"http://testserver/feedback/{item.pk}/" in message.body
    assert "Nobody answered for three days." in message.body and "Renewal is next month." in message.body
    assert f"#{ticket.zd_id}" in message.body


def test_it_emails_every_manager_when_nobody_is_on_duty(
    csm, account, manager, django_capture_on_commit_callbacks, mailoutbox
):
    second = UserFactory(roles=["Support manager"])
    with django_capture_on_commit_callbacks(execute=True):
        feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, second.email])
    assert all("Nobody on duty" in m.subject for m in mailoutbox)


def test_it_sends_nothing_when_the_change_rolls_back(
    csm, account, on_duty, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
        raise RuntimeError("the request failed after forwarding")
    assert mailoutbox == []


def test_it_emails_the_csm_the_outcome_once(
    forwarded, csm, manager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_triage(feedback=forwarded, by=manager, make_csm_aware=False, **TRIAGE)
    assert mailoutbox == []  # "Make CSM aware: no" - the triage itself sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        feedback_mark_actioned(feedback=forwarded, by=manager, outcome="Engineer coached; customer called.")
    assert [m.to for m in mailoutbox] == [[csm.email]]
    assert (
        "was actioned" in mailoutbox[0].subject and "Engineer coached; customer called." in mailoutbox[0].body
    )
    with django_capture_on_commit_callbacks(execute=True):
        feedback_close(feedback=forwarded, by=manager)
    assert len(mailoutbox) == 1  # closing after "actioned" without a note: they already know


def test_it_emails_the_outcome_when_closing_straight_from_triage(
    forwarded, csm, manager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_triage(feedback=forwarded, by=manager, make_csm_aware=False, **TRIAGE)
        feedback_close(feedback=forwarded, by=manager, outcome="Positive: shared with the team.")
    assert len(mailoutbox) == 1 and "was closed" in mailoutbox[0].subject
    assert "Positive: shared with the team." in mailoutbox[0].body


def test_it_tells_the_account_csm_too_when_a_colleague_forwarded(
    other_csm, csm, account, manager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        item = feedback_forward(forwarded_by=other_csm, account=account, **forward_kwargs())
        feedback_triage(feedback=item, by=manager, make_csm_aware=True, **TRIAGE)
    triage_mails = [m for m in mailoutbox if "triaged" in m.subject]
    assert sorted(m.to[0] for m in triage_mails) == sorted([csm.email, other_csm.email])
    assert "Coach the engineer" in triage_mails[0].body


def test_it_emails_the_other_side_of_a_comment(
    forwarded, csm, manager, on_duty, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_comment(feedback=forwarded, by=csm, body="The customer called again.")
    assert [m.to for m in mailoutbox] == [[on_duty.email]]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_comment(feedback=forwarded, by=manager, body="Talking to the engineer today.")
    assert [m.to for m in mailoutbox] == [[csm.email]]
    assert "Talking to the engineer today." in mailoutbox[0].body


def test_it_emails_a_manager_who_is_handed_an_item_but_not_one_who_takes_it(
    forwarded, manager, django_capture_on_commit_callbacks, mailoutbox
):
    second = UserFactory(roles=["Support manager"])
    with django_capture_on_commit_callbacks(execute=True):
        feedback_reassign(feedback=forwarded, manager=second, by=manager, note="You know this customer.")
    assert [m.to for m in mailoutbox] == [[second.email]]
    assert "You know this customer." in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_reassign(feedback=forwarded, manager=manager, by=manager)
    assert mailoutbox == []


def test_it_sends_each_events_email_at_most_once(forwarded, manager, mailoutbox):
    event = FeedbackEvent.objects.get(feedback=forwarded, kind=EventKind.ASSIGNED)
    FeedbackEvent.objects.filter(pk=event.pk).update(emailed_at=None)
    assert send_event_email(event_id=event.pk) == 1
    assert send_event_email(event_id=event.pk) == 0  # a retried or duplicated task
    assert len(mailoutbox) == 1


def test_it_does_not_send_a_stale_assignment(forwarded, manager, mailoutbox):
    """Reassigned before the worker got to the first assignment email: only the current one goes."""
    second = UserFactory(roles=["Support manager"])
    first_event = FeedbackEvent.objects.get(feedback=forwarded, kind=EventKind.ASSIGNED)
    feedback_reassign(feedback=forwarded, manager=second, by=manager)
    FeedbackEvent.objects.filter(pk=first_event.pk).update(emailed_at=None)
    assert send_event_email(event_id=first_event.pk) == 0


def test_it_writes_dates_in_the_recipients_time_zone(
    csm, account, manager, django_capture_on_commit_callbacks, mailoutbox
):
    manager.time_zone = "America/New_York"
    manager.save()
    from tests.factories.feedback import RotationWeekFactory

    RotationWeekFactory(manager=manager)
    with django_capture_on_commit_callbacks(execute=True):
        item = feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    local = item.first_response_due_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    # In plain calendar words on the recipient's clock, the zone named.
    words = f"{local:%A} {local.day} {local:%b}"
    assert f"First response due: {words}" in mailoutbox[0].body
    assert f"{local:%H:%M} New York (" in mailoutbox[0].body


def test_it_keeps_names_from_breaking_the_subject_line(
    csm, manager, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.factories import AccountFactory
    from tests.factories.feedback import RotationWeekFactory

    RotationWeekFactory(manager=manager)
    account = AccountFactory(name="Evil\nBcc: victim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        feedback_forward(forwarded_by=csm, account=account, **forward_kwargs())
    assert "\n" not in mailoutbox[0].subject and mailoutbox[0].bcc == []


def test_it_skips_people_without_an_active_login(
    forwarded, csm, manager, django_capture_on_commit_callbacks, mailoutbox
):
    csm.is_active = False
    csm.save()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_triage(feedback=forwarded, by=manager, make_csm_aware=False, **TRIAGE)
        feedback_close(feedback=forwarded, by=manager, outcome="Done.")
    assert mailoutbox == []


def test_the_customers_words_are_masked_in_the_email(
    csm, account, ticket, on_duty, django_capture_on_commit_callbacks, mailoutbox
):
    token = "glpat-" + "Q7vK2mX9" * 3
    with django_capture_on_commit_callbacks(execute=True):
        feedback_forward(
            forwarded_by=csm, account=account, ticket=ticket, **forward_kwargs(customer_words=f"Use {token}")
        )
    assert len(mailoutbox) == 1
    assert "Use glpat-" in mailoutbox[0].body and token not in mailoutbox[0].body
