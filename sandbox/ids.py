"""Small deterministic helpers: hashing, identifiers and timestamp formats."""

from __future__ import annotations

import calendar
import random
import time

MASK64 = (1 << 64) - 1
DAY = 86400

# Salts for independent streams of the generator.
S_ACCOUNT, S_ORG, S_CONTACT, S_USER, S_TICKET, S_TEXT, S_COMMENT, S_RATING = range(1, 9)
S_SFUSER, S_CASE, S_EXTRA_ORG, S_AGENT, S_TIME = range(9, 14)


def mix(seed: int, salt: int, index: int) -> int:
    """A splitmix64-style hash of (seed, salt, index): 64 well-mixed bits, very cheap."""
    z = (seed * 0x9E3779B97F4A7C15 + salt * 0xBF58476D1CE4E5B9 + index * 0x94D049BB133111EB) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def rng(seed: int, salt: int, index: int) -> random.Random:
    """A private random stream for one generated entity."""
    return random.Random(mix(seed, salt, index))


_SF_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def sf_id15_to_18(id15: str) -> str:
    """Append Salesforce's case-safety checksum to a 15-character Id."""
    suffix = ""
    for chunk in range(3):
        bits = 0
        for pos, char in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << pos
        suffix += _SF_CHARS[bits]
    return id15 + suffix


def sf_id(prefix: str, number: int, pod: str = "8d") -> str:
    """An 18-character Salesforce Id: key prefix, pod, then a base-62 serial number."""
    digits = ""
    n = number
    while n:
        n, r = divmod(n, 62)
        digits = _B62[r] + digits
    body = prefix + pod + "0000" + digits.rjust(6, "0")
    return sf_id15_to_18(body[:15])


# Zendesk ids look like 13-digit integers.
ZD_ORG_BASE = 360_010_000_000
ZD_USER_BASE = 361_020_000_000
ZD_COMMENT_BASE = 362_000_000_000
ZD_ATTACHMENT_BASE = 363_000_000_000
ZD_RATING_BASE = 364_000_000_000
ZD_AUDIT_BASE = 365_000_000_000
ZD_FIELD_REGION = 360_004_241_911
ZD_GROUP_SUPPORT = 360_003_112_231
ZD_BRAND = 360_001_846_211
ZD_FORM = 360_000_611_712
ZD_ACCOUNT_ID = 9_242_270


def iso_z(ts: float) -> str:
    """Zendesk's timestamp format: 2026-01-31T12:34:56Z (hot: the days are cached)."""
    seconds = int(ts)
    day, rest = divmod(seconds, DAY)
    prefix = _DAYS.get(day)
    if prefix is None:
        prefix = time.strftime("%Y-%m-%dT", time.gmtime(day * DAY))
        if len(_DAYS) < 100_000:
            _DAYS[day] = prefix
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{prefix}{hours:02d}:{minutes:02d}:{secs:02d}Z"


_DAYS: dict[int, str] = {}


def parse_iso(value: str) -> int:
    """Unix seconds of a Zendesk timestamp (2026-01-31T12:34:56Z)."""
    return calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ"))


def sf_datetime(ts: float) -> str:
    """Salesforce's datetime format: 2026-01-31T12:34:56.000+0000."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(ts))


def sf_date(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def pick(r: random.Random, seq):
    """``r.choice(seq)``, cheaper (the generator calls it a lot)."""
    return seq[int(r.random() * len(seq))]


def rand(r: random.Random, a: int, b: int | None = None) -> int:
    """``r.randrange(a, b)``, cheaper."""
    if b is None:
        a, b = 0, a
    return a + int(r.random() * (b - a))


def sf_serial(record_id: str) -> int | None:
    """The serial number inside an Id made by ``sf_id`` (None if it is not one)."""
    digits = record_id[9:15]
    if len(record_id) not in (15, 18) or record_id[5:9] != "0000":
        return None
    n = 0
    for char in digits:
        pos = _B62.find(char)
        if pos < 0:
            return None
        n = n * 62 + pos
    return n
