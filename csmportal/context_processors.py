from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from users.roles import Role, user_roles

from . import instances

NAVIGATION = [
    ("Accounts", "accounts:list", "/accounts/"),
    ("Tickets", "tickets:list", "/tickets/"),
    ("Feedback", "feedback:list", "/feedback/"),
    ("Requests", "supportops:list", "/requests/"),
    ("Sync", "integrations:sync", "/sync/"),
]


def portal(request: HttpRequest) -> dict[str, Any]:
    """Navigation and the user's roles, for the base layout."""
    roles = user_roles(getattr(request, "user", None))
    path = request.path
    nav = [
        {"label": label, "url_name": url_name, "active": path.startswith(prefix)}
        for label, url_name, prefix in NAVIGATION
    ]
    return {
        "nav_items": nav if roles else [],
        "user_roles": sorted(roles),
        "is_admin_role": Role.ADMIN in roles,
        "allowed_signup": bool(settings.ALLOWED_SIGNUP_DOMAINS),
        # mapped.account.arr: is that source field mapped? (pages hide what an unmapped field
        # would have shown; read only by the templates that ask)
        "mapped": SimpleLazyObject(_mapped_flags),
        # More than one Zendesk instance: lists rendered by templates add an "Instance" column.
        "instance_column": instances.is_multi(),
    }


def _mapped_flags() -> dict[str, dict[str, bool]]:
    from integrations.mapping import mapped_flags

    return mapped_flags()
