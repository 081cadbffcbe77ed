"""Two Zendesk instances for tests: the global one (``acme.zendesk.com``) and a restricted
US Government one (``acme-gov.zendesk.com``), as the settings would parse them from
``ZENDESK_INSTANCES=global,usgov`` (docs/instances.md)."""

from typing import Any

USGOV = "usgov"
GLOBAL_HOST = "acme.zendesk.com"
USGOV_HOST = "acme-gov.zendesk.com"
USGOV_TRACKER = "gitlab-com/support/support-ops/zendesk-usgov/organizations"


def configure_two_instances(settings: Any) -> None:
    """Configure the two instances on pytest-django's ``settings`` fixture."""
    settings.ZENDESK_SUBDOMAIN = "acme"
    settings.ZENDESK_EXTRA_INSTANCES = {
        USGOV: {
            "name": "US Government",
            "subdomain": "acme-gov",
            "email": "portal@example.com",
            "api_token": "token",
            "webhook_secret": "usgov-secret",
            "restricted": True,
            "tracker_project": USGOV_TRACKER,
            "rate_limit": "",
        }
    }
