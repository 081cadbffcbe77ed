"""The "Ticket review" section of the account page (registered in TicketsConfig.ready)."""

from typing import Any

from django.http import HttpRequest

from accounts.models import Account

from .account_review import account_review

PANEL_WEEKS = 12


def account_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    review = account_review(account, weeks=PANEL_WEEKS, with_lowest=False, user=request.user)
    return {"review": review, "top_gaps": review.gaps[:3], "weeks": PANEL_WEEKS}
