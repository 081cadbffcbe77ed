"""Addresses of the tickets dashboard that every count of tickets links to.

A count shown anywhere (the account page, the portfolio, the account review, a panel) links to
the dashboard filtered to exactly the tickets it counts, so the number on the link and the
number of rows behind it are the same. "Open" is `Ticket.objects.open()`, and the dashboard's
status filter `OPEN_FILTER` lists the same rows.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.http import urlencode

# The dashboard's status filter value for open tickets (new, open, pending or on hold). The
# value stays "unsolved" so bookmarked addresses keep working; the page calls it "Open".
OPEN_FILTER = "unsolved"


def tickets_url(
    *,
    account: int | None = None,
    csm: str = "any",
    status: str = "",
    opened_after: dt.date | None = None,
) -> str:
    """The dashboard with these filters (any CSM unless given: a count is the account's, not
    the reader's)."""
    params = {"csm": csm}
    if account is not None:
        params["account"] = str(account)
    if status:
        params["status"] = status
    if opened_after is not None:
        params["opened_after"] = opened_after.isoformat()
    return f"{reverse('tickets:list')}?{urlencode(params)}"


def open_tickets_url(*, account: int | None = None, csm: str = "any") -> str:
    """The dashboard listing exactly the open tickets counted by `Ticket.objects.open()`."""
    return tickets_url(account=account, csm=csm, status=OPEN_FILTER)
