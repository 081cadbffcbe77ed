"""Turn what a CSM pastes into a Zendesk ticket number.

Accepted: `12345`, `#12345`, and any Zendesk link that names the ticket - the agent page
(`/agent/tickets/12345`, also the old `/agent/#/tickets/12345`), the short `/tickets/12345`,
the API address from notification emails (`/api/v2/tickets/12345.json`) and the help
center's `/hc/en-us/requests/12345`.
"""

import re

MAX_TICKET_ID = 2**63 - 1

_NUMBER = re.compile(r"^#?\s*(\d{1,19})$")
_LINK = re.compile(r"(?:^|/|#)(?:tickets|requests)/(\d{1,19})(?:\.json)?(?:[/?#]|$)", re.IGNORECASE)


def parse_ticket_reference(text: str) -> int | None:
    """The ticket number in `text`, or None when it names no ticket."""
    text = (text or "").strip()
    if not text:
        return None
    match = _NUMBER.match(text) or _LINK.search(text)
    if not match:
        return None
    number = int(match.group(1))
    return number if 0 < number <= MAX_TICKET_ID else None


def looks_like_reference(text: str) -> bool:
    """True when the text is meant as a number or a link (not as words to search for)."""
    text = (text or "").strip()
    return bool(text) and (text.lstrip("#").strip().isdecimal() or "/" in text)
