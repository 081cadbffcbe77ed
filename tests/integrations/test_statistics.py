"""After a run that wrote many rows, PostgreSQL plans on the new data at once."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from integrations.runner import run_stream
from tickets.models import Ticket, TicketGap

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def planner_rows(table: str) -> float:
    """The row count the planner believes (pg_class.reltuples)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_it_refreshes_the_planners_statistics_after_a_bulk_load(synced, settings):
    settings.SYNC_ANALYZE_AFTER_ROWS = 50
    run_stream("zendesk.tickets", full=True)
    assert Ticket.objects.count() > 50
    assert planner_rows("tickets_ticket") == Ticket.objects.count()  # small tables: every row read


def test_it_leaves_statistics_to_autovacuum_after_a_small_run(synced, settings):
    settings.SYNC_ANALYZE_AFTER_ROWS = 10_000
    before = planner_rows("tickets_ticket")
    run_stream("zendesk.tickets", full=True)
    assert planner_rows("tickets_ticket") == before != Ticket.objects.count()


def test_a_bulk_review_refreshes_the_statistics_of_the_gaps_it_wrote(synced, settings):
    """The account page, the review and the education email count an account's gaps: planned on a
    gap table the planner still believes empty, that count read every gap of every ticket."""
    settings.SYNC_ANALYZE_AFTER_ROWS = 10_000
    run_stream("zendesk.tickets", full=True)
    TicketGap.objects.all().delete()
    Ticket.objects.update(quality_checked_at=None)
    settings.SYNC_ANALYZE_AFTER_ROWS = 50
    call_command("tickets_review", stdout=io.StringIO())
    gaps = TicketGap.objects.count()
    assert gaps > 50
    assert planner_rows("tickets_ticketgap") == gaps


def all_visible_pages(table: str) -> int:
    """Pages VACUUM marked all visible (pg_class.relallvisible): an index-only scan reads no row
    of those."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_a_bulk_load_marks_the_new_rows_visible_for_index_only_counts(synced, settings):
    """The dashboard's capped count is answered from `ticket_account_live` alone only on pages
    VACUUM has marked; the sync does that at once instead of waiting for autovacuum."""
    settings.SYNC_ANALYZE_AFTER_ROWS = 50
    run_stream("zendesk.tickets", full=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpages FROM pg_class WHERE relname = 'tickets_ticket'")
        pages = cursor.fetchone()[0]
    assert pages > 0
    assert all_visible_pages("tickets_ticket") == pages
