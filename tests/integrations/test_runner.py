"""The runner: single flight, a cursor saved with each page, what a failure leaves behind, and
the signals the rest of the portal listens to. A scripted client stands in for Zendesk here
(the clients themselves are tested against the sandbox)."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from integrations import locks
from integrations.errors import CursorStalled, PermanentError, RateLimited, TransientError
from integrations.models import RunStatus, SyncRun, SyncState
from integrations.records import Page, TicketRecord
from integrations.runner import LockLost, StreamBusy, run_stream
from integrations.signals import page_synced, stream_synced
from tickets.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
T0 = datetime(2026, 1, 1, tzinfo=UTC)
STREAM = "zendesk.tickets"


def ticket(zd_id: int, version: int = 1, status: str = "open") -> TicketRecord:
    return TicketRecord(
        zd_id=zd_id,
        zd_organization_id=None,
        zd_requester_id=None,
        subject=f"T{zd_id}",
        description="",
        status=status,
        priority="",
        ticket_type="",
        preferred_region="",
        tags=[],
        via_channel="",
        zd_created_at=T0,
        zd_updated_at=T0 + timedelta(seconds=version),
        generated_timestamp=version,
        sla_policy="",
        sla_state="",
        first_reply_due_at=None,
    )


class Script:
    """``ticket_pages(cursor)`` from a list of pages (cursor "c<n>" after page n); an exception
    in the list is raised when reached."""

    def __init__(self, *pages):
        self.pages = pages
        self.asked: list[str] = []

    def ticket_pages(self, cursor):
        start = int(cursor[1:]) if cursor else 0
        self.asked.append(cursor)
        for n, item in enumerate(self.pages[start:], start=start + 1):
            if isinstance(item, BaseException):
                raise item
            yield Page(records=item, cursor=f"c{n}", has_more=n < len(self.pages), request_cursor=f"c{n - 1}")


@pytest.fixture
def signals():
    seen = {"pages": [], "streams": []}

    def on_page(sender, **kwargs):
        seen["pages"].append(kwargs)

    def on_stream(sender, **kwargs):
        seen["streams"].append(kwargs)

    page_synced.connect(on_page, dispatch_uid="test.page")
    stream_synced.connect(on_stream, dispatch_uid="test.stream")
    yield seen
    page_synced.disconnect(dispatch_uid="test.page")
    stream_synced.disconnect(dispatch_uid="test.stream")


def test_it_saves_the_cursor_with_each_page_and_tells_what_changed(signals):
    run = run_stream(STREAM, client=Script([ticket(1), ticket(2)], [ticket(3, status="deleted")]))
    assert run.status == RunStatus.SUCCEEDED and (run.pages, run.fetched, run.created, run.deleted) == (
        2,
        3,
        2,
        1,
    )
    assert SyncState.objects.get(stream=STREAM).cursor == "c2"
    pks = dict(Ticket.objects.values_list("zd_id", "pk"))
    assert [sorted(p["created"]) for p in signals["pages"]] == [sorted([pks[1], pks[2]]), []]
    assert signals["pages"][1]["deleted"] == [pks[3]] and all(p["stream"] == STREAM for p in signals["pages"])
    assert [s["run"].pk for s in signals["streams"]] == [run.pk]

    # The next run starts where this one ended and sends only what changed.
    client = Script([ticket(1), ticket(2)], [ticket(3, status="deleted")], [ticket(1, version=2)])
    again = run_stream(STREAM, client=client)
    assert client.asked == ["c2"] and (again.created, again.updated) == (0, 1)
    assert signals["pages"][-1]["updated"] == [pks[1]]


def test_a_failed_page_keeps_every_page_before_it_and_the_rerun_resumes(signals):
    boom = TransientError("the source answered 503")
    with pytest.raises(TransientError):
        run_stream(STREAM, client=Script([ticket(1)], [ticket(2)], boom, [ticket(3)]))
    failed = SyncRun.objects.get()
    assert failed.status == RunStatus.FAILED and "503" in failed.error and failed.pages == 2
    state = SyncState.objects.get(stream=STREAM)
    assert state.cursor == "c2" and "503" in state.last_error and state.lock_token == ""
    assert not signals["streams"]

    client = Script([ticket(1)], [ticket(2)], [ticket(99)], [ticket(3)])
    run_stream(STREAM, client=client)
    assert client.asked == ["c2"]
    assert sorted(Ticket.objects.values_list("zd_id", flat=True)) == [1, 2, 3, 99]
    assert SyncState.objects.get(stream=STREAM).last_error == ""


def test_a_rate_limit_keeps_the_progress_and_says_when_to_resume():
    with pytest.raises(RateLimited):
        run_stream(STREAM, client=Script([ticket(1)], RateLimited("429", retry_after=42)))
    run = SyncRun.objects.get()
    assert run.status == RunStatus.RATE_LIMITED and run.pages == 1
    assert timedelta(seconds=40) < run.resume_at - run.finished_at <= timedelta(seconds=43)
    assert SyncState.objects.get(stream=STREAM).cursor == "c1"


def test_a_cursor_that_does_not_advance_is_reported():
    with pytest.raises(CursorStalled):
        run_stream(STREAM, client=Script([ticket(1)], CursorStalled("returned the cursor it was given")))
    state = SyncState.objects.get(stream=STREAM)
    assert state.stalled_at is not None and "cursor" in state.last_error
    assert SyncRun.objects.get().status == RunStatus.STALLED
    run_stream(STREAM, client=Script([ticket(1)], [ticket(2)]))
    assert SyncState.objects.get(stream=STREAM).stalled_at is None


def test_it_is_single_flight_and_a_dead_runners_lock_expires():
    token = locks.claim(STREAM)
    assert token and locks.claim(STREAM) is None
    with pytest.raises(StreamBusy):
        run_stream(STREAM, client=Script([ticket(1)]))
    assert not SyncRun.objects.exists()

    # The holder dies mid-run: its run stays "running" until its lease runs out.
    SyncRun.objects.create(stream=STREAM)
    SyncState.objects.filter(stream=STREAM).update(locked_until=timezone.now() - timedelta(seconds=1))
    run = run_stream(STREAM, client=Script([ticket(1)]))
    assert run.status == RunStatus.SUCCEEDED
    assert SyncRun.objects.exclude(pk=run.pk).get().status == RunStatus.ABANDONED
    assert SyncState.objects.get(stream=STREAM).lock_token == ""


def test_a_run_that_lost_its_lock_writes_nothing_more():
    def steal(progress):
        SyncState.objects.filter(stream=STREAM).update(lock_token="someone-else")

    with pytest.raises(LockLost):
        run_stream(STREAM, client=Script([ticket(1)], [ticket(2)]), on_page=steal)
    assert list(Ticket.objects.values_list("zd_id", flat=True)) == [1]
    assert SyncState.objects.get(stream=STREAM).cursor == "c1"


def test_a_permanent_error_fails_the_run_with_the_reason():
    with pytest.raises(PermanentError):
        run_stream(STREAM, client=Script(PermanentError("401 - check the credentials")))
    assert "credentials" in SyncRun.objects.get().error
    assert SyncRun.objects.get().status == RunStatus.FAILED


def test_a_full_run_starts_from_the_beginning():
    run_stream(STREAM, client=Script([ticket(1)], [ticket(2)]))
    client = Script([ticket(1)], [ticket(2)])
    run = run_stream(STREAM, full=True, client=client)
    assert client.asked == [""] and run.full and (run.created, run.updated) == (0, 0)


def test_a_failing_receiver_does_not_fail_the_sync(caplog):
    def broken(sender, **kwargs):
        raise RuntimeError("receiver bug")

    page_synced.connect(broken, dispatch_uid="test.broken")
    try:
        run = run_stream(STREAM, client=Script([ticket(1)]))
    finally:
        page_synced.disconnect(dispatch_uid="test.broken")
    assert run.status == RunStatus.SUCCEEDED and Ticket.objects.count() == 1
    assert "receiver" in caplog.text


def test_the_page_records_are_the_newest_version_even_out_of_order():
    run_stream(STREAM, client=Script([ticket(1, version=5)]))
    page = [dataclasses.replace(ticket(1, version=3), subject="stale")]
    run_stream(STREAM, full=True, client=Script(page))
    assert Ticket.objects.get().subject == "T1"


def test_runs_older_than_a_month_are_deleted_when_the_stream_next_succeeds():
    old = SyncRun.objects.create(stream=STREAM, status=RunStatus.SUCCEEDED)
    other = SyncRun.objects.create(stream="zendesk.users", status=RunStatus.SUCCEEDED)
    SyncRun.objects.filter(pk__in=[old.pk, other.pk]).update(started_at=timezone.now() - timedelta(days=31))
    recent = SyncRun.objects.create(stream=STREAM, status=RunStatus.FAILED)
    run = run_stream(STREAM, client=Script([ticket(1)]))
    assert set(SyncRun.objects.values_list("pk", flat=True)) == {other.pk, recent.pk, run.pk}


def test_a_page_aborted_by_a_deadlock_is_written_again_not_failed():
    """The review updates tickets a page is upserting, locking them in another order: PostgreSQL
    aborts one of the two transactions (deadlock detected). The page's transaction rolled back
    whole, so the run writes it again instead of failing (seen after a killed backfill: every
    takeover of the stream failed so, and polling waited for beat's next tick each time)."""
    import threading
    import time

    from django.db import connection as main_connection
    from django.db import connections, transaction

    run_stream(STREAM, client=Script([ticket(1), ticket(2)]))
    first_locked, other_waits = threading.Event(), threading.Event()
    failures = []

    def review():  # another worker's transaction: ticket 2, then ticket 1
        try:
            with transaction.atomic(), main_connection.cursor() as cursor:
                cursor.execute("UPDATE tickets_ticket SET quality_score = 1 WHERE zd_id = 2")
                first_locked.set()
                other_waits.wait(10)
                cursor.execute("UPDATE tickets_ticket SET quality_score = 1 WHERE zd_id = 1")
        except Exception as exc:  # the loser of the deadlock, if it is this one
            failures.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=review)
    worker.start()
    assert first_locked.wait(10)

    def after_a_pause():  # the page (ticket 1, then 2) is blocked on ticket 2 by then
        time.sleep(0.5)
        other_waits.set()

    threading.Thread(target=after_a_pause).start()
    run = run_stream(STREAM, client=Script([ticket(1, version=2), ticket(2, version=2)]), full=True)
    worker.join(15)
    assert run.status == RunStatus.SUCCEEDED and run.updated == 2
    assert sorted(Ticket.objects.values_list("generated_timestamp", flat=True)) == [2, 2]
    assert not failures  # the page lost the deadlock (it waited first) and was written again
