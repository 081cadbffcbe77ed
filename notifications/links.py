"""Links in notifications (Salesforce cases; addresses built by accounts.links) and the /go/
link fixer's parser.

Every outgoing link is built from a validated number or ID and a configured host, never from
a URL someone supplied, so nothing here can be turned into an open redirect. A pasted Zendesk
link names its instance by its host (any configured instance's, docs/instances.md).
"""

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from accounts.links import salesforce_web_url, zendesk_hosts
from csmportal.instances import GLOBAL

# Salesforce IDs are 15 or 18 alphanumeric characters.
_SF_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
# Paths of a Zendesk ticket: the agent page, the API document, the help centre request.
_TICKET_PATHS = [
    re.compile(r"^/agent/tickets/(\d+)(?:/.*)?$"),
    re.compile(r"^/tickets/(\d+)(?:/.*)?$"),
    re.compile(r"^/api/v2/tickets/(\d+)(?:\.json)?(?:/.*)?$"),
    re.compile(r"^/hc(?:/[A-Za-z-]{2,10})?/requests/(\d+)(?:/.*)?$"),
    re.compile(r"^/requests/(\d+)(?:/.*)?$"),
]
_NUMBER = re.compile(r"^#?\s*(\d{1,15})$")


def _salesforce_base() -> str:
    """Where Salesforce records open; an email cannot carry a relative link, so with no
    Salesforce configured at all it falls back to Salesforce's own login host."""
    return salesforce_web_url() or "https://login.salesforce.com"


def salesforce_case_url(sf_id: str) -> str:
    if not _SF_ID.match(sf_id or ""):
        raise ValueError(f"not a Salesforce ID: {sf_id!r}")
    return f"{_salesforce_base()}/lightning/r/Case/{sf_id}/view"


def salesforce_account_cases_url(sf_account_id: str) -> str:
    if not _SF_ID.match(sf_account_id or ""):
        raise ValueError(f"not a Salesforce ID: {sf_account_id!r}")
    return f"{_salesforce_base()}/lightning/r/Account/{sf_account_id}/related/Cases/view"


class NotAZendeskTicketLink(ValueError):
    """The text is neither a ticket number nor a ticket link of a configured Zendesk."""


class TicketLink(NamedTuple):
    instance: str
    number: int


def parse_ticket_reference(text: str) -> int:
    """The ticket number in a pasted link or number (see ``parse_ticket_link``)."""
    return parse_ticket_link(text).number


def _hosts_text() -> str:
    hosts = list(zendesk_hosts())
    return hosts[0] if len(hosts) == 1 else ", ".join(hosts[:-1]) + " or " + hosts[-1]


def parse_ticket_link(text: str, instance: str = GLOBAL) -> TicketLink:
    """The ticket in a pasted link or number; refuses anything that is not one of our Zendesks.

    Accepts `123`, `#123` (a ticket of ``instance``), and links on `<subdomain>.zendesk.com` of
    any configured instance (with or without scheme; the ticket is that instance's) to
    `/agent/tickets/N`, `/tickets/N`, `/api/v2/tickets/N.json`, `/hc/<locale>/requests/N`.
    Refuses other hosts and lookalikes (`example.zendesk.com.evil.test`), user-info tricks
    (`https://example.zendesk.com@evil.test/`), other schemes (`javascript:`), and
    scheme-relative or backslash forms (`//evil`, `\\\\evil`).
    """
    value = (text or "").strip()
    if not value:
        raise NotAZendeskTicketLink("Paste a Zendesk ticket link or a ticket number.")
    if any(ch.isspace() or ord(ch) < 32 for ch in value) and not _NUMBER.match(value):
        raise NotAZendeskTicketLink("That is not a link: it contains spaces or control characters.")
    number = _NUMBER.match(value)
    if number:
        return TicketLink(instance, _ticket_number(number.group(1)))
    if "\\" in value:
        raise NotAZendeskTicketLink("That is not a Zendesk ticket link.")
    if value.startswith("//"):
        raise NotAZendeskTicketLink(f"Only links to {_hosts_text()} can be opened here.")
    if "://" not in value:
        if ":" in value.split("/", 1)[0] and not re.match(r"^[^:/]+:\d+(/|$)", value):
            raise NotAZendeskTicketLink("Only https links to Zendesk can be opened here.")
        value = "https://" + value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise NotAZendeskTicketLink("That link could not be read.") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise NotAZendeskTicketLink("Only https links to Zendesk can be opened here.")
    host = (parts.hostname or "").rstrip(".")
    found = zendesk_hosts().get(host)
    if parts.username is not None or parts.password is not None or found is None:
        raise NotAZendeskTicketLink(f"Only links to {_hosts_text()} can be opened here.")
    if port not in (None, 80, 443):
        raise NotAZendeskTicketLink(f"Only links to {_hosts_text()} can be opened here.")
    for pattern in _TICKET_PATHS:
        match = pattern.match(parts.path.rstrip("/") or "/")
        if match:
            return TicketLink(found, _ticket_number(match.group(1)))
    # Zendesk's old agent links keep the ticket in the fragment: /agent/#/tickets/N
    fragment = re.match(r"^/?tickets/(\d+)(?:/.*)?$", parts.fragment or "")
    if parts.path.rstrip("/") in ("/agent", "") and fragment:
        return TicketLink(found, _ticket_number(fragment.group(1)))
    raise NotAZendeskTicketLink("That Zendesk link does not point at a ticket.")


def _ticket_number(digits: str) -> int:
    number = int(digits)
    if number < 1:
        raise NotAZendeskTicketLink("Ticket numbers start at 1.")
    return number
