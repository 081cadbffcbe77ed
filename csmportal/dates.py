"""Dates as the portal writes them everywhere: `day` ("Tue 8 Dec 2026"), `when` ("Tue 8 Dec
2026, 17:00", in the reader's time zone) and `when_zone` (the same with the zone's abbreviation,
for emails and anything read outside the reader's own settings). The formats themselves live in
`csmportal/formats/en/formats.py`; this module is a template builtin and Python's way to them.

A list page writes a date or two per row, and Django's `date_format` costs about 50 us each
(a formatter object, lazy translations of the day and month names): a format made only of
the characters in `_FAST` is turned once into a `str.format` template, with the day and month
names translated once per language; any other format goes through `date_format` as before."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable

from django import template
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.formats import date_format, get_format

register = template.Library()


Zone = dt.tzinfo | str | None


def _local(value: dt.date | dt.datetime, zone: Zone) -> dt.date | dt.datetime:
    """An aware time in `zone` (a tzinfo or an IANA name), by default the active zone: the
    reader's own on pages (the users middleware), the recipient's in an email."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone)
    return value


# Format characters written without Django's formatter, as django.utils.dateformat writes them.
_FAST = {"D": "{D}", "j": "{j}", "M": "{M}", "Y": "{Y:04d}", "H": "{H:02d}", "i": "{i:02d}"}
_TIME_CHARS = {"H", "i"}
_names: dict[str | None, tuple[list[str], list[str]]] = {}


@functools.lru_cache(maxsize=32)
def _template(fmt: str, with_time: bool) -> str | None:
    """`fmt` as a str.format template, or None when it has a character `_FAST` does not cover
    (or a time character for a date)."""
    parts = []
    for char in fmt:
        if char in _FAST and (with_time or char not in _TIME_CHARS):
            parts.append(_FAST[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(parts)


def _day_and_month_names() -> tuple[list[str], list[str]]:
    language = translation.get_language()
    names = _names.get(language)
    if names is None:
        weekdays = [str(WEEKDAYS_ABBR[i]) for i in range(7)]
        months = [str(MONTHS_3[m]).title() for m in range(1, 13)]
        names = _names[language] = (weekdays, months)
    return names


def _format(value: dt.date | dt.datetime, format_name: str) -> str:
    with_time = isinstance(value, dt.datetime)
    template_ = _template(get_format(format_name), with_time)
    if template_ is None:
        return date_format(value, format_name)
    weekdays, months = _day_and_month_names()
    return template_.format(
        D=weekdays[value.weekday()],
        j=value.day,
        M=months[value.month - 1],
        Y=value.year,
        H=value.hour if with_time else 0,  # type: ignore[union-attr]
        i=value.minute if with_time else 0,  # type: ignore[union-attr]
    )


@register.filter(expects_localtime=True)
def day(value: dt.date | dt.datetime | None, zone: Zone = None) -> str:
    """ "Tue 8 Dec 2026"; empty for no date."""
    return _format(_local(value, zone), "DATE_FORMAT") if value else ""


@register.filter(expects_localtime=True)
def when(value: dt.datetime | None, zone: Zone = None) -> str:
    """ "Tue 8 Dec 2026, 17:00" in the reader's time zone (or `zone`); empty for no time."""
    return _format(_local(value, zone), "DATETIME_FORMAT") if value else ""


def when_writer() -> Callable[[dt.datetime | None], str]:
    """`when` for the many times of one page: the format, the day and month names and the
    active time zone looked up once (a list writes a time per row)."""
    template_ = _template(get_format("DATETIME_FORMAT"), True)
    if template_ is None:
        return when
    weekdays, months = _day_and_month_names()
    zone = timezone.get_current_timezone()

    def write(value: dt.datetime | None) -> str:
        if not value:
            return ""
        if not (isinstance(value, dt.datetime) and timezone.is_aware(value)):
            return when(value)
        local = value.astimezone(zone)
        return template_.format(
            D=weekdays[local.weekday()],
            j=local.day,
            M=months[local.month - 1],
            Y=local.year,
            H=local.hour,
            i=local.minute,
        )

    return write


@register.filter(expects_localtime=True)
def when_zone(value: dt.datetime | None, zone: Zone = None) -> str:
    """ "Tue 8 Dec 2026, 17:00 GMT": `when` with the time zone's abbreviation."""
    if not value:
        return ""
    local = _local(value, zone)
    return f"{_format(local, 'DATETIME_FORMAT')} {date_format(local, 'T')}"
