"""What the sync tells the rest of the portal. Both are sent after the page's transaction
commits; receivers must be idempotent and quick (slow work goes to a Celery task)."""

from django.dispatch import Signal

# kwargs: stream (str), created / updated / deleted (lists of the portal rows' primary keys)
page_synced = Signal()

# kwargs: stream (str), run (integrations.models.SyncRun) - a stream finished a run successfully
stream_synced = Signal()
