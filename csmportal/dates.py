"""Dates as the portal writes them everywhere: `day` ("Tue 8 Dec 2026"), `when` ("Tue 8 Dec
2026, 17:00", in the reader's time zone) and `when_zone` (the same with the zone's abbreviation,
for emails and anything read outside the reader's own settings). The formats themselves live in
`csmportal/formats/en/formats.py`; this module is a template builtin and Python's way to them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


Zone = dt.tzinfo | str | None


def _local(value: dt.date | dt.datetime, zone: Zone) -> dt.date | dt.datetime:
    """An aware time in `zone` (a tzinfo or an IANA name), by default the active zone: the
    reader's own on pages (the users middleware), the recipient's in an email."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone)
    return value


@register.filter(expects_localtime=True)
def day(value: dt.date | dt.datetime | None, zone: Zone = None) -> str:
    """ "Tue 8 Dec 2026"; empty for no date."""
    return date_format(_local(value, zone), "DATE_FORMAT") if value else ""


@register.filter(expects_localtime=True)
def when(value: dt.datetime | None, zone: Zone = None) -> str:
    """ "Tue 8 Dec 2026, 17:00" in the reader's time zone (or `zone`); empty for no time."""
    return date_format(_local(value, zone), "DATETIME_FORMAT") if value else ""


@register.filter(expects_localtime=True)
def when_zone(value: dt.datetime | None, zone: Zone = None) -> str:
    """ "Tue 8 Dec 2026, 17:00 GMT": `when` with the time zone's abbreviation."""
    if not value:
        return ""
    local = _local(value, zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} {date_format(local, 'T')}"
