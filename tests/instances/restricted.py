"""A restricted second Zendesk instance for access tests: ``usgov``, and who is cleared for it."""

from __future__ import annotations

from typing import Any

USGOV = "usgov"
USGOV_SETTINGS = {
    USGOV: {
        "name": "US Government",
        "subdomain": "example-usgov",
        "email": "",
        "api_token": "",
        "webhook_secret": "",
        "restricted": True,
        "tracker_project": "",
        "rate_limit": "",
    }
}


def restrict(settings: Any) -> None:
    """Configure ``usgov`` as a restricted instance (pytest-django's ``settings`` fixture)."""
    settings.ZENDESK_EXTRA_INSTANCES = USGOV_SETTINGS


def clear(user: Any, instance: str = USGOV) -> None:
    """An admin cleared ``user`` for ``instance``."""
    from users.models import Clearance

    Clearance.objects.create(user=user, instance=instance)
    if hasattr(user, "_visible_instances"):
        del user._visible_instances  # the per-request cache of csmportal.instances.visible_keys
