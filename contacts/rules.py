"""The support-contact rules from the handbook, and the parsing of the "CMP Developers" field.

- A contact management project (CMP) needs 50 or more seats.
- Without a CMP, up to 30 people may open tickets; with one, up to 50, and up to 5 maintainers
  (the CMP developers: the customer's people who manage the contact list).
"""

import re
from dataclasses import dataclass
from typing import Any

CMP_MIN_SEATS = 50
CONTACT_LIMIT = 30
CMP_CONTACT_LIMIT = 50
CMP_MAINTAINER_LIMIT = 5
NEAR_LIMIT_SHARE = 0.9  # warn from 90% of a limit


def cmp_eligible(seats: int) -> bool:
    return seats >= CMP_MIN_SEATS


def contact_limit(has_cmp: bool) -> int:
    return CMP_CONTACT_LIMIT if has_cmp else CONTACT_LIMIT


def near_limit(count: int, limit: int) -> bool:
    return limit > 0 and count >= limit * NEAR_LIMIT_SHARE


def is_entitled_user(*, role: str, active: bool, suspended: bool) -> bool:
    """A Zendesk user in the customer's organization may open tickets when this holds."""
    return role == "end-user" and active and not suspended


def email_key(email: str | None) -> str:
    return (email or "").strip().lower()


# -- CMP Developers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Developer:
    """One entry of the CMP Developers list."""

    display: str
    email: str = ""  # lower-cased
    username: str = ""  # without the @, lower-cased

    @property
    def key(self) -> str:
        return self.email or (f"@{self.username}" if self.username else self.display.lower())


# Tried only from the start of a run of address characters (from every one of them, a line of
# 16,000 letters took 0.2 s: quadratic); the same addresses are found.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+'-]++@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")
_TASK_BOX = re.compile(r"^\[[ xX]\]\s*")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_ANGLE = re.compile(r"<([^>]+)>")
_HANDLE = re.compile(r"(?<![\w.])@([A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9_])")
_MARKUP = re.compile(r"\*+|`+|~~|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")
_SKIP = re.compile(r"^\s*(?:#{1,6}\s|[-*_]{3,}\s*$)")  # headings, horizontal rules
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _username_from_url(url: str) -> str:
    """https://gitlab.com/jane.doe -> jane.doe (one path segment on a web host)."""
    match = re.match(r"^https?://[^/]+/([A-Za-z0-9_][A-Za-z0-9_.-]*)/?$", url)
    return match.group(1).lower() if match else ""


def _clean(text: str) -> str:
    text = _MARKUP.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" \t-,;:|")


def _parse_entry(text: str) -> list[Developer]:
    emails: list[str] = []
    username = ""

    def take_link(match: re.Match[str]) -> str:
        nonlocal username
        label, url = match.group(1), match.group(2)
        if url.lower().startswith("mailto:"):
            emails.append(url[7:].split("?")[0].lower())
        elif not username:
            username = _username_from_url(url)
        return label

    text = _LINK.sub(take_link, text)
    text = _ANGLE.sub(lambda m: f" {m.group(1)} " if "@" in m.group(1) else " ", text)
    for found in _EMAIL.findall(text):
        if found.lower() not in emails:
            emails.append(found.lower())
    without_emails = _EMAIL.sub(" ", text)
    handle = _HANDLE.search(without_emails)
    if handle and not username:
        username = handle.group(1).lower()
    display = _clean(without_emails)
    if len(emails) > 1:  # "a@x.com, b@y.com" on one line: one developer each
        return [Developer(display=e, email=e) for e in emails]
    email = emails[0] if emails else ""
    if not display:
        display = email or (f"@{username}" if username else "")
    if not (display or email or username):
        return []
    return [Developer(display=display, email=email, username=username)]


def parse_cmp_developers(text: str | None) -> list[Developer]:
    """Parse the organization's "CMP Developers" markdown list into people.

    Accepts `- name`, `* email`, `1. item`, `[Name](mailto:x)`, `[@user](https://host/user)`,
    `Name <email>`, `@user`, task boxes, bold/code markup, and blank or heading lines. Entries are
    de-duplicated by email, then username, then display text.
    """
    developers: list[Developer] = []
    seen: set[str] = set()
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, raw in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if not raw.strip() or _SKIP.match(raw) or _TABLE_RULE.match(raw) or _TABLE_RULE.match(following):
            continue  # blank, heading, rule, or a table's rule and header row
        line = _LIST_MARKER.sub("", raw, count=1)
        line = _TASK_BOX.sub("", line.strip())
        if "|" in line:  # a table row: its cells describe one person
            line = " ".join(cell.strip() for cell in line.split("|") if cell.strip())
        for dev in _parse_entry(line):
            if dev.key not in seen:
                seen.add(dev.key)
                developers.append(dev)
    return developers


@dataclass(frozen=True)
class LimitWarning:
    level: str  # "bad" | "warn" | "info" (the badge classes)
    message: str


def contact_warnings(
    *,
    seats: int,
    has_cmp: bool,
    registered: int,
    salesforce_contacts: int,
    maintainers: int,
) -> list[LimitWarning]:
    """What the CSM should know about the account's support contacts against the limits."""
    warnings: list[LimitWarning] = []
    limit = contact_limit(has_cmp)
    which = "with a contact management project" if has_cmp else "without a contact management project"
    if registered > limit:
        warnings.append(
            LimitWarning("bad", f"{registered} people can open tickets: over the limit of {limit} {which}.")
        )
    elif near_limit(registered, limit):
        warnings.append(
            LimitWarning(
                "warn", f"{registered} of {limit} people can open tickets: close to the limit {which}."
            )
        )
    if salesforce_contacts > limit:
        warnings.append(
            LimitWarning(
                "info",
                f"{salesforce_contacts} contacts in Salesforce, but only {limit} people can be registered "
                f"{which}.",
            )
        )
    if has_cmp and maintainers > CMP_MAINTAINER_LIMIT:
        warnings.append(
            LimitWarning(
                "bad",
                f"{maintainers} CMP developers: a contact management project allows "
                f"{CMP_MAINTAINER_LIMIT} maintainers.",
            )
        )
    if has_cmp and not cmp_eligible(seats):
        warnings.append(
            LimitWarning(
                "warn",
                f"Has a contact management project with {seats} seats; "
                f"projects need {CMP_MIN_SEATS} or more.",
            )
        )
    if not has_cmp and cmp_eligible(seats):
        warnings.append(
            LimitWarning(
                "info",
                f"Eligible for a contact management project ({seats} seats): it raises the limit to "
                f"{CMP_CONTACT_LIMIT} people.",
            )
        )
    return warnings


def developer_matches(developers: list[Developer], emails: dict[str, Any]) -> dict[str, Any]:
    """Match developers to people by email, else by a unique email local part = username."""
    by_local: dict[str, list[str]] = {}
    for key in emails:
        by_local.setdefault(key.split("@", 1)[0], []).append(key)
    matched: dict[str, Any] = {}
    for dev in developers:
        if dev.email and dev.email in emails:
            matched[dev.key] = emails[dev.email]
        elif dev.username and len(by_local.get(dev.username, [])) == 1:
            matched[dev.key] = emails[by_local[dev.username][0]]
    return matched
