"""Zendesk schedules (business hours and holidays): a small set, read whole on every run.

Zendesk lists schedules without pagination or an export, and holidays change without
touching the schedule's ``updated_at``; so each run reads them all, writes the ones whose
content changed, and deletes the ones Zendesk no longer has. ``page_synced`` then lists only
real changes, and the tickets app re-times open tickets when a schedule moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from tickets.models import Schedule

from ..records import Page, ScheduleRecord
from .base import PageResult, StreamSpec

_FIELDS = ("name", "time_zone", "tz_name", "intervals", "holidays", "zd_updated_at")


class ScheduleStream(StreamSpec):
    name = "zendesk.schedules"
    source = "zendesk"
    model = Schedule
    key = "zd_id"
    version = None

    def pages(self, client: Any, cursor: str) -> Iterator[Page[ScheduleRecord]]:
        return client.schedule_pages(cursor)

    def write(self, page: Page[ScheduleRecord]) -> PageResult:
        mine = Schedule.objects.filter(zd_instance=self.instance)
        existing = {s.zd_id: s for s in mine.select_for_update()}
        result = PageResult()
        seen = set()
        for record in page.records:
            values = {k: v for k, v in asdict(record).items() if k in _FIELDS}
            seen.add(record.zd_id)
            row = existing.get(record.zd_id)
            if row is None:
                row = Schedule.objects.create(zd_id=record.zd_id, zd_instance=self.instance, **values)
                result.created.append(row.pk)
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.save()
                result.updated.append(row.pk)
        gone = [row.pk for zd_id, row in existing.items() if zd_id not in seen]
        if gone:
            Schedule.objects.filter(pk__in=gone).delete()
            result.deleted.extend(gone)
        return result
