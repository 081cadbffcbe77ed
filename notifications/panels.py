"""The "New-ticket notifications" section of the account page."""

from typing import Any

from django.http import HttpRequest

from accounts.models import Account

from .selectors import account_watch_summary


def account_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    return account_watch_summary(request.user, account)
