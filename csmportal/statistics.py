"""Fresh planner statistics after a bulk write.

After a bulk load PostgreSQL's planner still sees a table as it was until autovacuum gets to it
(a minute or more), and pages planned on those statistics read every row: at 100,000 tickets an
account page's gap counts took 90 ms with a new ticketgap table unanalyzed, 1 ms after. Whatever
wrote many rows at once (a sync run, a bulk review) refreshes its tables' statistics at once.

Outside a transaction it runs `VACUUM (ANALYZE)`, which also marks the new rows' pages all
visible: only then can a count be answered from an index alone (an index-only scan checks the
table for every row of a page not yet marked). At 100,000 tickets a CSM's capped ticket count
took 25-35 ms read from the table, 4 ms from `ticket_account_live` once vacuumed. Inside a
transaction (VACUUM cannot run there) it only analyzes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Model


def refresh_statistics(rows_written: int, *models: type[Model]) -> bool:
    """VACUUM (ANALYZE), or ANALYZE inside a transaction, the models' tables if `rows_written`
    reached SYNC_ANALYZE_AFTER_ROWS (PostgreSQL only); True if it did."""
    if connection.vendor != "postgresql" or rows_written < settings.SYNC_ANALYZE_AFTER_ROWS:
        return False
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models:  # a model's table name, never input
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    return True
