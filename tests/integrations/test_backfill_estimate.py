"""The sync page tells how far a first backfill is and how long it has left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import RunStatus, SyncRun, SyncState
from integrations.selectors import StreamStatus

from .conftest import sync_all


def running(stream: str, *, fetched: int, expected: int | None, minutes: float) -> StreamStatus:
    now = timezone.now()
    run = SyncRun.objects.create(stream=stream, status=RunStatus.RUNNING, fetched=fetched, expected=expected)
    SyncRun.objects.filter(pk=run.pk).update(started_at=now - timedelta(minutes=minutes), heartbeat_at=now)
    run.refresh_from_db()
    state = SyncState.objects.create(stream=stream, locked_until=now + timedelta(minutes=1))
    return StreamStatus(stream=stream, label="Zendesk tickets", state=state, runs=[run], now=now)


@pytest.mark.django_db
def test_it_estimates_the_time_left_from_the_rate_budget_when_that_is_slower(settings):
    settings.ZENDESK_RATE_LIMIT = "incremental=10/60"
    status = running("zendesk.tickets", fetched=230_000, expected=1_200_000, minutes=10)
    # 970 pages of 1000 left at 10 a minute: 97 minutes (the measured rate would allow 42).
    assert status.estimate == (
        "Zendesk tickets: 230,000 of about 1.2 million, about 1 h 37 min left at 10 requests a minute"
    )


@pytest.mark.django_db
def test_it_estimates_from_the_measured_rate_without_a_budget(settings):
    settings.ZENDESK_RATE_LIMIT = ""
    status = running("zendesk.tickets", fetched=1_000, expected=5_000, minutes=1)
    assert status.estimate == "Zendesk tickets: 1,000 of about 5,000, about 4 min left"


@pytest.mark.django_db
def test_without_a_total_from_the_source_it_says_nothing(settings):
    assert running("zendesk.comments", fetched=1_000, expected=None, minutes=1).estimate == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backfill_from_the_start_records_the_sources_count(synced):
    runs = sync_all()
    tickets = synced.state.next_ticket_id - 1
    assert runs["zendesk.tickets"].expected == tickets
    assert runs["zendesk.users"].expected == len(synced.state.world.users)
    assert runs["zendesk.organizations"].expected == len(synced.state.world.orgs)
    again = sync_all()  # an incremental run asks for no count
    assert again["zendesk.tickets"].expected is None
