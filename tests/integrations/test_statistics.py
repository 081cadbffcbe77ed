"""After a run that wrote many rows, PostgreSQL plans on the new data at once."""

import pytest
from django.db import connection

from integrations.runner import run_stream
from tickets.models import Ticket

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
