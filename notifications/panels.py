"""The account page's sections: "New-ticket notifications" and, in the demo, the customer button."""

from typing import Any

from django.http import HttpRequest

from accounts.models import Account
from csmportal.versions import one_cached

from .selectors import account_watch_summary, account_watches


def account_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    """Who follows the account, cached with its version (csmportal.versions: a follow, mute or
    unfollow bumps it)."""
    user = request.user
    watches = one_cached(account.pk, user, "watches", lambda: account_watches(account))
    return account_watch_summary(user, account, watches)


def demo_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    """The demo's "Open a ticket as this customer" (nothing at all with SANDBOX off)."""
    from .demo import demo_enabled

    return {"enabled": demo_enabled()}
