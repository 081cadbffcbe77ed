"""Email templates: `{{ placeholder }}` substitution (no template language: admins edit these)."""

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

# name -> what it becomes (shown to admins and on the send form)
PLACEHOLDERS: dict[str, str] = {
    "account_name": "The account's name",
    "contact_name": "The sold-to contact's full name (or 'there' when unknown)",
    "contact_first_name": "The sold-to contact's first name (or 'there' when unknown)",
    "csm_name": "The name of the person sending the email",
    "csm_email": "The email address of the person sending the email",
    "contact_limit": "How many people may open tickets (30, or 50 with a contact management project)",
    "managing_support_contacts_url": "The handbook's Managing Support Contacts procedure (HANDBOOK_LINKS)",
}


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS})


def fill_placeholders(text: str, values: Mapping[str, Any]) -> str:
    """Replace known placeholders; unknown ones stay as written so nobody loses text."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return PLACEHOLDER.sub(replace, text or "")


# Every character str.splitlines() breaks a line at.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def is_single_line(text: str) -> bool:
    """A header (an email's subject) must be one line: a line break makes the mail library
    refuse the message at delivery (or, unchecked, would start a new header)."""
    return not any(char in LINE_BREAKS for char in text or "")
