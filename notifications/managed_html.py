"""The preferences page's "Accounts you manage" rendered in Python: a CSM manages up to a
hundred accounts, and each item's links and mute form through the template engine cost most
of the page. The same HTML the template wrote; every value escaped (`csmportal.fast_html`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from csmportal.fast_html import escape


def managed_accounts_html(accounts: list[tuple[Any, bool]], *, csrf_token: Any) -> str:
    """The <li>s of (account, muted) pairs, each with its Mute or Unmute form."""
    detail = reverse("accounts:detail", args=[0]).replace("/0/", "/{}/")
    watch = reverse("notifications:account_watch", args=[0]).replace("/0/", "/{}/")
    back = escape(reverse("notifications:preferences"))
    csrf = ""
    if csrf_token and csrf_token != "NOTPROVIDED":
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    items = []
    for account, muted in accounts:
        name = escape(account.name)
        action, button = ("unmute", "Unmute") if muted else ("mute", "Mute")
        badge = ' <span class="badge warn">Muted</span>' if muted else ""
        items.append(
            f'<li id="managed-{account.pk}"><a href="{escape(detail.format(account.pk))}">{name}</a>{badge}'
            f'<form method="post" action="{escape(watch.format(account.pk))}" class="inline">{csrf}'
            f'<input type="hidden" name="action" value="{action}">'
            f'<input type="hidden" name="next" value="{back}">'
            f'<button class="btn secondary small" type="submit">{button}'
            f'<span class="sr-only"> {name}</span></button></form></li>\n'
        )
    return "".join(items)
