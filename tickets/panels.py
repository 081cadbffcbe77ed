"""The "Ticket review" section of the account page (registered in TicketsConfig.ready)."""

from typing import Any

from django.http import HttpRequest

from accounts.models import Account
from csmportal.versions import one_cached

from .account_review import account_review

PANEL_WEEKS = 12


def account_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    """Cached with the account's version (csmportal.versions: the review bumps it)."""
    user = request.user
    review = one_cached(
        account.pk,
        user,
        "ticket_review",
        lambda: account_review(account, weeks=PANEL_WEEKS, with_lowest=False, user=user),
    )
    review.account = account
    return {"review": review, "top_gaps": review.gaps[:3], "weeks": PANEL_WEEKS}
