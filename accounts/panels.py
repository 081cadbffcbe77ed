"""Sections that other apps add to the account page, without the accounts app knowing them.

An app registers a panel in its AppConfig.ready():

    from accounts.panels import AccountPanel, register_panel
    register_panel(AccountPanel(key="requests", order=50, template="supportops/_account_panel.html",
                                context=requests_panel_context))

The account page renders each panel's template with `account`, `request` and the dict that
`context(request, account)` returns available as `panel`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import Account


@dataclass(frozen=True)
class AccountPanel:
    key: str
    order: int
    template: str
    context: Callable[[HttpRequest, Account], dict[str, Any]] | None = None


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


_panels: dict[str, AccountPanel] = {}


def register_panel(panel: AccountPanel) -> None:
    _panels[panel.key] = panel


def panels_for(request: HttpRequest, account: Account) -> list[RenderedPanel]:
    ordered = sorted(_panels.values(), key=lambda p: (p.order, p.key))
    return [
        RenderedPanel(p.key, p.template, p.context(request, account) if p.context else {}) for p in ordered
    ]
