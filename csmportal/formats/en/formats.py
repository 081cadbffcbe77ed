"""The portal's one way of writing dates (English): "Tue 8 Dec 2026" and "Tue 8 Dec 2026, 17:00".

Plain and unambiguous in every country (no 08/12 vs 12/08), with the weekday people plan by.
Times are in the reader's own time zone (`User.time_zone`, activated per request). Templates
write `{{ value|day }}` and `{{ value|when }}` (`csmportal.dates`); Django's own `|date` without
a format and the admin use the same formats from here. CSV exports keep ISO 8601.
"""

DATE_FORMAT = "D j M Y"
DATETIME_FORMAT = "D j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
