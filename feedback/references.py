"""Turn what a CSM pastes into a Zendesk ticket: its instance and number.

Accepted: `12345`, `#12345`, and any Zendesk link that names the ticket - the agent page
(`/agent/tickets/12345`, also the old `/agent/#/tickets/12345`), the short `/tickets/12345`,
the API address from notification emails (`/api/v2/tickets/12345.json`) and the help
center's `/hc/en-us/requests/12345`.

A link names its instance by its host (`<subdomain>.zendesk.com` of a configured instance,
docs/instances.md); a number alone, or a path without a host, is the global instance's. A link
to any other host names none of our tickets.
"""

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from accounts.links import zendesk_hosts
from csmportal.instances import GLOBAL

MAX_TICKET_ID = 2**63 - 1

_NUMBER = re.compile(r"^#?\s*(\d{1,19})$")
_LINK = re.compile(r"(?:^|/|#)(?:tickets|requests)/(\d{1,19})(?:\.json)?(?:[/?#]|$)", re.IGNORECASE)
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?([^/?#\s]+)", re.IGNORECASE)


class TicketReference(NamedTuple):
    instance: str
    number: int


def parse_ticket(text: str) -> TicketReference | None:
    """The ticket `text` names (instance and number), or None when it names none of ours."""
    text = (text or "").strip()
    if not text:
        return None
    match = _NUMBER.match(text)
    instance = GLOBAL
    if not match:
        match = _LINK.search(text)
        if not match:
            return None
        host = _link_host(text)
        if host is not None:
            found = zendesk_hosts().get(host)
            if found is None:
                return None
            instance = found
    number = int(match.group(1))
    return TicketReference(instance, number) if 0 < number <= MAX_TICKET_ID else None


def parse_ticket_reference(text: str) -> int | None:
    """The ticket number in `text`, or None when it names no ticket of ours."""
    found = parse_ticket(text)
    return found.number if found else None


def _link_host(text: str) -> str | None:
    """The host a link names (lower case, no port or user), None for a bare path."""
    head = _HOST.match(text)
    if head is None or "." not in head.group(1):
        return None
    try:
        host = urlsplit(text if "://" in text else f"https://{text}").hostname
    except ValueError:
        return ""
    return (host or "").rstrip(".").lower()


def looks_like_reference(text: str) -> bool:
    """True when the text is meant as a number or a link (not as words to search for)."""
    text = (text or "").strip()
    return bool(text) and (text.lstrip("#").strip().isdecimal() or "/" in text)
