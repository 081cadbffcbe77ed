"""The page upsert: newer versions only, idempotent, inserted vs updated, portal columns kept.

Both implementations run here: PostgreSQL's (unnest arrays, xmax) and the generic one the
SQLite demo uses (multi-row VALUES, keys seen before) - PostgreSQL accepts both."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from integrations import upsert as upsert_module
from integrations.records import TicketRecord
from integrations.upsert import dedupe, upsert
from tickets.models import Ticket

pytestmark = pytest.mark.django_db  # runs on SQLite too (the demo's database)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def record(zd_id: int, version: int, **changes) -> TicketRecord:
    base = TicketRecord(
        zd_id=zd_id,
        zd_organization_id=None,
        zd_requester_id=None,
        subject=f"Subject {zd_id}",
        description="Body",
        status="open",
        priority="normal",
        ticket_type="",
        preferred_region="",
        tags=["a"],
        via_channel="web",
        zd_created_at=T0,
        zd_updated_at=T0 + timedelta(seconds=version),
        generated_timestamp=version,
        sla_policy="",
        sla_state="",
        first_reply_due_at=None,
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres), "generic"])
def write(request, monkeypatch):
    if request.param == "generic":
        monkeypatch.setattr(upsert_module, "_use_postgresql", lambda: False)

    def run(records, **kwargs):
        kwargs.setdefault("key", "zd_id")
        kwargs.setdefault("version", "generated_timestamp")
        return upsert(Ticket, records, **kwargs)

    return run


def test_it_inserts_then_reports_nothing_when_the_same_page_comes_again(write):
    first = write([record(1, 10), record(2, 10)])
    assert sorted(w.key for w in first if w.inserted) == [1, 2]
    assert write([record(1, 10), record(2, 10)]) == []
    assert Ticket.objects.count() == 2


def test_it_never_lets_an_older_version_overwrite_a_newer_one(write):
    write([record(1, 20, subject="Newer")])
    assert write([record(1, 10, subject="Older")]) == []
    assert Ticket.objects.get(zd_id=1).subject == "Newer"
    [updated] = write([record(1, 30, subject="Newest")])
    assert not updated.inserted
    assert Ticket.objects.get(zd_id=1).subject == "Newest"


def test_it_applies_a_same_version_that_differs(write):
    write([record(1, 10, sla_state="due")])
    [row] = write([record(1, 10, sla_state="breached")])
    assert not row.inserted and Ticket.objects.get(zd_id=1).sla_state == "breached"


def test_it_keeps_the_columns_the_portal_owns(write):
    write([record(1, 10)])
    Ticket.objects.filter(zd_id=1).update(quality_score=80, quality_findings=["short"])
    first_seen = Ticket.objects.get(zd_id=1).first_seen_at
    write([record(1, 11, subject="Changed")])
    ticket = Ticket.objects.get(zd_id=1)
    assert ticket.subject == "Changed" and ticket.quality_score == 80 and ticket.quality_findings == ["short"]
    assert ticket.first_seen_at == first_seen


def test_it_returns_extra_columns_and_cuts_over_long_text_to_the_column(write):
    [row] = write([record(1, 10, status="deleted", subject="x" * 900)], returning=("status",))
    assert row.extra == ("deleted",)
    assert len(Ticket.objects.get(zd_id=1).subject) == Ticket._meta.get_field("subject").max_length


def test_it_keeps_the_newest_of_duplicates_within_a_page(write):
    write([record(1, 10, subject="A"), record(1, 12, subject="C"), record(1, 11, subject="B")])
    assert Ticket.objects.get(zd_id=1).subject == "C"


def test_dedupe_prefers_the_last_of_equal_versions():
    kept = dedupe(
        [record(1, 5, subject="first"), record(1, 5, subject="second")], "zd_id", "generated_timestamp"
    )
    assert [r.subject for r in kept] == ["second"]
