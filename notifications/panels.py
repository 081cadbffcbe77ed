"""The account page's sections: "New-ticket notifications" and, in the demo, the customer button."""

from typing import Any

from django.http import HttpRequest

from accounts.models import Account

from .selectors import account_watch_summary


def account_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    return account_watch_summary(request.user, account)


def demo_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    """The demo's "Open a ticket as this customer" (nothing at all with SANDBOX off)."""
    from .demo import demo_enabled

    return {"enabled": demo_enabled()}
