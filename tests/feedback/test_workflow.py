"""The state machine: legal transitions only, enforced in the services, each one an event."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AccountEvent
from feedback.models import EventKind, Feedback, FeedbackStatus
from feedback.services import FeedbackError
from feedback.workflow import (
    TRANSITIONS,
    IllegalTransition,
    allowed_moves,
    feedback_close,
    feedback_mark_actioned,
    feedback_reopen,
    feedback_triage,
    feedback_triage_edit,
)
from tests.factories.feedback import FeedbackFactory

pytestmark = pytest.mark.django_db

TRIAGE = {
    "summary": "Slow replies",
    "action": "Coach the engineer",
    "contact_customer": True,
    "make_csm_aware": False,
}


def run(move, item, by):
    if move == "triage":
        return feedback_triage(feedback=item, by=by, **TRIAGE)
    if move == "action":
        return feedback_mark_actioned(feedback=item, by=by, outcome="Coached; called the customer.")
    if move == "close":
        return feedback_close(feedback=item, by=by, outcome="Nothing more to do.")
    return feedback_reopen(feedback=item, by=by, reason="Customer still unhappy.")


EXPECTED = {
    ("new", "triage"): "triaged",
    ("triaged", "action"): "actioned",
    ("triaged", "close"): "closed",
    ("actioned", "close"): "closed",
    ("actioned", "reopen"): "triaged",
    ("closed", "reopen"): "triaged",
}


def test_it_allows_exactly_the_documented_moves():
    table = {(s, m): TRANSITIONS[m].target for m in TRANSITIONS for s in TRANSITIONS[m].sources}
    assert table == EXPECTED
    assert allowed_moves("new") == ["triage"]
    assert sorted(allowed_moves("closed")) == ["reopen"]


@pytest.mark.parametrize("status,move", sorted(EXPECTED))
def test_it_makes_each_legal_move_with_an_event_and_an_audit_line(manager, status, move):
    item = FeedbackFactory(status=status, outcome="Done before." if status in ("actioned", "closed") else "")
    run(move, item, manager)
    item.refresh_from_db()
    assert item.status == EXPECTED[(status, move)]
    event = item.events.get()
    assert (event.from_status, event.to_status, event.actor) == (status, item.status, manager)
    trail = AccountEvent.objects.get(account=item.account)
    assert (
        trail.verb.startswith("feedback.") and trail.actor == manager and trail.detail["feedback"] == item.pk
    )


ILLEGAL = [(s, m) for s in FeedbackStatus.values for m in TRANSITIONS if (s, m) not in EXPECTED]


@pytest.mark.parametrize("status,move", ILLEGAL)
def test_it_refuses_every_illegal_move_and_changes_nothing(manager, status, move):
    item = FeedbackFactory(status=status, outcome="Earlier outcome" if status != "new" else "")
    before = Feedback.objects.values().get(pk=item.pk)
    with pytest.raises(IllegalTransition):
        run(move, item, manager)
    assert Feedback.objects.values().get(pk=item.pk) == before
    assert not item.events.exists()
    assert not AccountEvent.objects.exists()


def test_it_lets_only_one_of_two_managers_triage_the_same_item(manager):
    from tests.factories import UserFactory

    second = UserFactory(roles=["Support manager"])
    item = FeedbackFactory()
    stale_copy = Feedback.objects.get(pk=item.pk)  # what the second manager's page loaded
    feedback_triage(feedback=item, by=manager, **TRIAGE)
    with pytest.raises(IllegalTransition, match="triaged now"):
        feedback_triage(feedback=stale_copy, by=second, **{**TRIAGE, "summary": "Other"})
    item.refresh_from_db()
    assert item.summary == "Slow replies" and item.events.filter(kind=EventKind.TRIAGED).count() == 1


def test_it_does_not_let_a_csm_triage_action_or_close(csm):
    item = FeedbackFactory(forwarded_by=csm)
    for move in ("triage", "action", "close", "reopen"):
        with pytest.raises(PermissionDenied):
            run(move, item, csm)
    item.refresh_from_db()
    assert item.status == "new" and not item.events.exists()


def test_it_counts_the_triage_as_the_first_response_and_assigns_an_unassigned_item(manager):
    item = FeedbackFactory(reviewing_manager=None)
    feedback_triage(feedback=item, by=manager, **TRIAGE)
    item.refresh_from_db()
    assert item.first_responded_at is not None and item.first_responded_at == item.triaged_at
    assert item.reviewing_manager == manager
    assert (item.summary, item.action, item.contact_customer, item.make_csm_aware) == (
        "Slow replies", "Coach the engineer", True, False,
    )  # fmt: skip


def test_it_keeps_the_reviewing_manager_when_another_manager_triages(manager):
    from tests.factories import UserFactory

    assigned = UserFactory(roles=["Support manager"])
    item = FeedbackFactory(reviewing_manager=assigned)
    feedback_triage(feedback=item, by=manager, **TRIAGE)
    item.refresh_from_db()
    assert item.reviewing_manager == assigned


def test_it_requires_the_handbook_fields_to_triage(manager):
    item = FeedbackFactory()
    with pytest.raises(FeedbackError):
        feedback_triage(feedback=item, by=manager, **{**TRIAGE, "action": "   "})
    item.refresh_from_db()
    assert item.status == "new"


def test_it_requires_an_outcome_to_close_an_item_nothing_was_done_for(manager):
    item = FeedbackFactory(status="triaged")
    with pytest.raises(FeedbackError, match="what came of it"):
        feedback_close(feedback=item, by=manager, outcome="")
    feedback_close(feedback=item, by=manager, outcome="Positive feedback, shared with the team.")
    item.refresh_from_db()
    assert item.status == "closed" and item.outcome == "Positive feedback, shared with the team."


def test_it_keeps_the_actioned_outcome_when_closing_with_a_note(manager):
    item = FeedbackFactory(status="triaged")
    feedback_mark_actioned(feedback=item, by=manager, outcome="Engineer coached.")
    feedback_close(feedback=item, by=manager, outcome="Customer confirmed on the call.")
    item.refresh_from_db()
    assert item.outcome == "Engineer coached."
    assert item.events.get(kind=EventKind.CLOSED).body == "Customer confirmed on the call."
    assert item.closed_at is not None and item.actioned_at is not None


def test_it_reopens_with_a_reason_and_clears_the_closing_time(manager):
    item = FeedbackFactory(status="triaged")
    feedback_close(feedback=item, by=manager, outcome="No action needed.")
    with pytest.raises(FeedbackError):
        feedback_reopen(feedback=item, by=manager, reason=" ")
    feedback_reopen(feedback=item, by=manager, reason="The customer wrote again.")
    item.refresh_from_db()
    assert item.status == "triaged" and item.closed_at is None


def test_it_edits_a_triage_without_changing_the_state(manager):
    item = FeedbackFactory(status="actioned", summary="Old", action="Old action")
    feedback_triage_edit(feedback=item, by=manager, **TRIAGE)
    item.refresh_from_db()
    assert item.status == "actioned" and item.summary == "Slow replies"
    assert item.events.get().kind == EventKind.TRIAGE_EDITED
    closed = FeedbackFactory(status="closed")
    with pytest.raises(IllegalTransition):
        feedback_triage_edit(feedback=closed, by=manager, **TRIAGE)
