"""Shared by the tests that need Zendesk to notify the portal: the portal pointed at a sandbox,
and the webhook installed the way production installs it (`manage.py zendesk_webhook install`,
zenpy over HTTPS against the sandbox's Webhooks and Triggers APIs)."""

import io

from django.core.management import call_command


def point_at(settings, handle, site_url: str | None = None) -> None:
    """The portal's settings name this sandbox (and, if given, the portal's own address)."""
    for name, value in handle.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""
    if site_url is not None:
        settings.SITE_URL = site_url


def install_webhook(settings, handle, site_url: str) -> tuple[str, str]:
    """Point the portal at ``handle`` and run the install; returns (stdout, stderr)."""
    point_at(settings, handle, site_url)
    return run("install")


def run(action: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("zendesk_webhook", action, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
