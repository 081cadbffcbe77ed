"""The Celery tasks: names, single flight, backoff with jitter, rescheduling after a rate limit
(never sleeping in the worker), and the webhook's fetch_ticket."""

import pytest
from celery import current_app
from celery.result import allow_join_result

from integrations import tasks
from integrations.errors import CursorStalled, PermanentError, RateLimited, TransientError
from integrations.models import Stream
from integrations.runner import StreamBusy
from tickets.models import Ticket

from .conftest import sync_all


@pytest.fixture(autouse=True)
def join_allowed():
    """These tests run tasks eagerly and read their results. Whether reading a result is refused
    ("Never call result.get() within a task!") is a process-wide Celery flag that worker code run
    in this process by an earlier test can leave set (seen once, in a partial run, only with
    other tests before these): reading is allowed here explicitly."""
    with allow_join_result():
        yield


def test_there_is_one_named_task_per_stream_matching_beats_schedule(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for stream in Stream.values:
        assert f"integrations.sync.{stream}" in current_app.tasks
        assert f"integrations.sync.{stream}" in names
    assert "integrations.fetch_ticket" in current_app.tasks


def test_retry_countdowns_grow_exponentially_with_jitter_and_a_cap():
    for retries in range(8):
        expected = min(tasks.RETRY_CAP, tasks.RETRY_BASE * 2**retries)
        samples = {round(tasks.retry_countdown(retries), 3) for _ in range(50)}
        assert all(0.5 * expected <= s <= 1.5 * expected for s in samples)
        assert len(samples) > 1  # jitter: workers do not retry in lockstep


class Calls:
    def __init__(self):
        self.apply_async = []
        self.retry = []


@pytest.fixture
def task(monkeypatch):
    """The tickets task with apply_async/retry recorded instead of sent."""
    calls = Calls()
    task = tasks.SYNC_TASKS["zendesk.tickets"]

    def retry(**kwargs):
        calls.retry.append(kwargs)
        return RuntimeError("retry requested")

    monkeypatch.setattr(task, "apply_async", lambda **kw: calls.apply_async.append(kw))
    monkeypatch.setattr(task, "retry", retry)
    task.calls = calls
    return task


def failing_with(monkeypatch, exc):
    def run_stream(stream, **kwargs):
        assert kwargs["may_wait"] is False  # a worker never sleeps on a rate limit
        raise exc

    monkeypatch.setattr(tasks, "run_stream", run_stream)


@pytest.mark.django_db
def test_a_rate_limit_reenqueues_the_task_for_after_retry_after(task, monkeypatch):
    failing_with(monkeypatch, RateLimited("429", retry_after=37.2))
    assert task.apply().get() == "rescheduled"
    [call] = task.calls.apply_async
    assert call["countdown"] == 38 and call["expires"] is None
    assert call["kwargs"]["trigger"] == "rate limit"
    assert not task.calls.retry  # not counted as a failed attempt


@pytest.mark.django_db
def test_a_transient_error_retries_with_backoff(task, monkeypatch):
    failing_with(monkeypatch, TransientError("503"))
    with pytest.raises(RuntimeError, match="retry requested"):
        task.apply(throw=True).get()
    [call] = task.calls.retry
    assert tasks.RETRY_BASE * 0.5 <= call["countdown"] <= tasks.RETRY_BASE * 1.5
    assert call["max_retries"] == tasks.MAX_RETRIES and call["expires"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "exc,outcome",
    [(StreamBusy("running"), "busy"), (PermanentError("401"), "failed"), (CursorStalled("stuck"), "stalled")],
)
def test_busy_permanent_and_stalled_are_not_retried(task, monkeypatch, exc, outcome):
    failing_with(monkeypatch, exc)
    assert task.apply().get() == outcome
    assert not task.calls.retry and not task.calls.apply_async


@pytest.mark.django_db
def test_a_busy_stream_is_looked_at_once_more_just_after_its_lease_ends(task, monkeypatch, settings):
    """A holder that died (SIGKILL) stops renewing its lease: the task that found the stream busy
    comes back as soon as the lease has run out and takes the stream over, instead of leaving
    it to beat's next tick. Only once: a live holder keeps renewing and the second look is a no-op."""
    from integrations import locks

    settings.SYNC_LOCK_SECONDS = 15
    assert locks.claim("zendesk.tickets") is not None  # held, as by a run in another worker
    failing_with(monkeypatch, StreamBusy("running"))
    assert task.apply(kwargs={"trigger": "beat"}).get() == "busy"
    [call] = task.calls.apply_async
    assert 14 <= call["countdown"] <= 16.5 and call["expires"] is None
    assert call["kwargs"] == {"full": False, "trigger": "beat", "user_id": None, "looked_again": True}

    assert task.apply(kwargs=call["kwargs"]).get() == "busy"
    assert len(task.calls.apply_async) == 1  # the second look does not look again


@pytest.mark.django_db
def test_a_sync_now_pressed_during_a_run_is_served_by_that_run(task, monkeypatch):
    from django.utils import timezone

    from integrations.models import SyncState

    SyncState.objects.create(stream="zendesk.tickets", requested_at=timezone.now())
    failing_with(monkeypatch, StreamBusy("running"))
    task.apply(kwargs={"trigger": "manual"}).get()
    assert SyncState.objects.get(stream="zendesk.tickets").requested_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_stream_task_syncs_against_the_sandbox(synced):
    result = tasks.SYNC_TASKS["zendesk.organizations"].apply().get()
    assert result.startswith("succeeded")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fetch_ticket_upserts_one_ticket_like_the_stream(synced):
    sync_all()
    synced.state.update_ticket(3, subject="Changed by the customer")
    assert (
        current_app.tasks["integrations.fetch_ticket"]
        .apply(args=[3])
        .get()
        .startswith("created 0, updated 1")
    )
    assert Ticket.objects.get(zd_id=3).subject == "Changed by the customer"
    assert current_app.tasks["integrations.fetch_ticket"].apply(args=[10**8]).get() == "not found"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fetch_ticket_is_rescheduled_on_a_429(synced, monkeypatch):
    task = current_app.tasks["integrations.fetch_ticket"]
    sent = []
    monkeypatch.setattr(task, "apply_async", lambda **kw: sent.append(kw))
    synced.state.faults.configure(retry_after=4)
    synced.state.faults.inject_next("429", count=1, path_prefix="/api/v2/tickets/")
    assert task.apply(args=[3]).get() == "rescheduled"
    assert sent == [{"kwargs": {"zd_ticket_id": 3}, "countdown": 4, "expires": None}]
