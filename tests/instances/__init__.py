"""Two Zendesk instances for tests: the global one (``acme.zendesk.com``) and a US Government
one (``acme-gov.zendesk.com``), as the settings would parse them from
``ZENDESK_INSTANCES=global,usgov`` (docs/instances.md). The addressing tests use it
unrestricted (what they check holds either way); the access rule's tests, in this package,
make it restricted."""

from typing import Any

USGOV = "usgov"
GLOBAL_HOST = "acme.zendesk.com"
USGOV_HOST = "acme-gov.zendesk.com"
USGOV_TRACKER = "gitlab-com/support/support-ops/zendesk-usgov/organizations"


def configure_two_instances(settings: Any, restricted: bool = False) -> None:
    """Configure the two instances on pytest-django's ``settings`` fixture."""
    settings.ZENDESK_SUBDOMAIN = "acme"
    settings.ZENDESK_EXTRA_INSTANCES = {
        USGOV: {
            "name": "US Government",
            "subdomain": "acme-gov",
            "email": "portal@example.com",
            "api_token": "token",
            "webhook_secret": "usgov-secret",
            "restricted": restricted,
            "tracker_project": USGOV_TRACKER,
            "rate_limit": "",
        }
    }
