"""Hostile text cannot stall the review: task time limits, a ticket that takes too long is
recorded and skipped (never retried forever), and a text longer than the checks read says so.

Speed itself is measured by `python -m bench review_text`, not here."""

import logging

import pytest
from billiard.exceptions import WorkerLostError
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from tests.factories import CommentFactory, TicketFactory
from tickets import services, tasks
from tickets.models import TicketGap
from tickets.review import Check, Outcome, TicketText, review
from tickets.review.base import REVIEW_LIMIT, TOO_LONG
from tickets.review.secrets import BULLETS

pytestmark = pytest.mark.django_db

POISON = "POISON-MARK"


def test_the_review_tasks_have_time_limits_and_are_not_redelivered_when_killed():
    for task in (tasks.review_tickets, tasks.review_comment_tickets):
        assert task.acks_late
        assert 0 < task.soft_time_limit < task.time_limit
        assert task.reject_on_worker_lost is False  # a hard kill acks the message, never requeues it
        assert task.acks_on_failure_or_timeout is True


@pytest.fixture
def poisoned_review(monkeypatch):
    """The review raises SoftTimeLimitExceeded (as Celery does at the soft limit) on one text."""

    def slow_review(text):
        if POISON in text.description:
            raise SoftTimeLimitExceeded()
        return review(text)

    monkeypatch.setattr(services, "review", slow_review)


def _not_reviewed(ticket):
    ticket.refresh_from_db()
    return (
        ticket.quality_score is None
        and [f["code"] for f in ticket.quality_findings] == [Check.DETAIL]
        and ticket.quality_findings[0]["outcome"] == Outcome.MISSING
        and TOO_LONG in ticket.quality_findings[0]["message"]
    )


def test_a_ticket_whose_review_runs_out_of_time_is_recorded_and_the_others_are_reviewed(
    poisoned_review, caplog, monkeypatch
):
    before = TicketFactory(description="first ticket, broken")
    poisoned = TicketFactory(description=f"{POISON} " + "user:" * 100)
    after = TicketFactory(description="third ticket, broken")
    TicketGap.objects.create(ticket=poisoned, code=Check.STEPS)
    retries = []
    monkeypatch.setattr(tasks.review_tickets, "retry", lambda *a, **k: retries.append(a))
    with caplog.at_level(logging.WARNING, logger="tickets.services"):
        result = tasks.review_tickets.apply(args=[[before.pk, poisoned.pk, after.pk]])
    assert result.successful() and not retries
    assert _not_reviewed(poisoned)
    assert not TicketGap.objects.filter(ticket=poisoned).exists()
    for ticket in (before, after):  # the rest went out again as a new task (eager here)
        ticket.refresh_from_db()
        assert ticket.quality_score is not None
    assert f"ticket {poisoned.pk} skipped" in caplog.text


def test_a_ticket_that_always_runs_out_of_time_is_reviewed_once_per_sync(poisoned_review, monkeypatch):
    poisoned = TicketFactory(description=f"{POISON} text")
    calls = []
    real = services.ticket_reviews_refresh
    monkeypatch.setattr(services, "ticket_reviews_refresh", lambda **kw: calls.append(kw) or real(**kw))
    tasks.review_tickets.apply(args=[[poisoned.pk]])
    assert len(calls) == 1 and _not_reviewed(poisoned)


def test_the_comment_task_records_the_poisoned_ticket_too(poisoned_review):
    poisoned = TicketFactory(description=f"{POISON} text")
    comment = CommentFactory(zd_ticket_id=poisoned.zd_id)
    assert tasks.review_comment_tickets.apply(args=[[comment.pk]]).successful()
    assert _not_reviewed(poisoned)


def test_running_out_of_time_outside_a_review_is_logged_and_not_retried(monkeypatch, caplog):
    ticket = TicketFactory()

    def stuck(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "ticket_reviews_refresh", stuck)
    with caplog.at_level(logging.ERROR, logger="tickets.tasks"):
        result = tasks.review_tickets.apply(args=[[ticket.pk]])
    assert result.successful() and result.result == 0
    assert "ran out of time" in caplog.text


@pytest.mark.parametrize("exc", [TimeLimitExceeded(360), WorkerLostError("killed")])
def test_a_hard_kill_splits_a_batch_and_records_a_single_ticket(monkeypatch, exc):
    one, two = TicketFactory(), TicketFactory()
    sent = []
    monkeypatch.setattr(tasks.review_tickets, "delay", lambda ids: sent.append(ids))
    tasks.review_tickets.on_failure(exc, "id", ([one.pk, two.pk],), {}, None)
    assert sorted(sent) == sorted([[one.pk], [two.pk]])
    tasks.review_tickets.on_failure(exc, "id", ([two.pk],), {}, None)
    assert _not_reviewed(two) and not _not_reviewed(one)


def test_an_ordinary_failure_is_left_to_celery(monkeypatch):
    ticket = TicketFactory()
    sent = []
    monkeypatch.setattr(tasks.review_tickets, "delay", lambda ids: sent.append(ids))
    tasks.review_tickets.on_failure(ValueError("x"), "id", ([ticket.pk],), {}, None)
    assert not sent and not _not_reviewed(ticket)


def test_a_text_longer_than_the_checks_read_says_so_and_is_still_masked_in_full():
    token = "glpat-" + "Q7vK2mX9" * 3
    description = "Steps to reproduce:\n1. Run the job\n" + ("log line " * 20_000) + f"\ntoken {token}\n"
    assert len(description) > REVIEW_LIMIT
    text = TicketText(subject="x", description=description)
    results = {r.code: r for r in review(text).results}
    assert TOO_LONG in results[Check.DETAIL].note
    assert results[Check.STEPS].points > 0  # what was read was still checked
    assert results[Check.SENSITIVE].outcome == Outcome.FLAGGED  # secrets: found in all of it
    assert token not in text.first and len(text.first) == REVIEW_LIMIT


def test_a_text_within_the_limit_has_no_such_note():
    results = {r.code: r for r in review(TicketText(description="short text " * 100)).results}
    assert TOO_LONG not in results[Check.DETAIL].note
    assert BULLETS not in results[Check.DETAIL].message
