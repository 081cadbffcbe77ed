"""Links people open to the systems of record: Salesforce (Lightning), Zendesk's agent pages,
the collaboration project. Every app builds these addresses here.

Zendesk's agent pages are on the row's own instance (docs/instances.md): pass the row's
``zd_instance``, or use ``agent_url(row)``."""

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings

from csmportal import instances
from csmportal.instances import GLOBAL

PROJECT_ID = re.compile(r"\d{1,12}")


def salesforce_web_url() -> str:
    """Where people open Salesforce records.

    `SALESFORCE_WEB_URL` when set; otherwise derived from the login URL: a My Domain
    (`acme.my.salesforce.com`) becomes its Lightning host (`acme.lightning.force.com`); any other
    host (the sandbox, a proxy) is used as it is.
    """
    if settings.SALESFORCE_WEB_URL:
        return settings.SALESFORCE_WEB_URL.rstrip("/")
    login = (settings.SALESFORCE_LOGIN_URL or "").rstrip("/")
    if not login:
        return ""
    parts = urlsplit(login)
    host = parts.hostname or ""
    if host.endswith(".my.salesforce.com"):
        host = host[: -len(".my.salesforce.com")] + ".lightning.force.com"
        return f"https://{host}"
    return f"{parts.scheme or 'https'}://{parts.netloc}"


def salesforce_account_url(sf_id: str) -> str:
    base = salesforce_web_url()
    if not base or not sf_id:
        return ""
    return f"{base}/lightning/r/Account/{quote(sf_id, safe='')}/view"


def zendesk_host(instance: str = GLOBAL) -> str:
    """The host of an instance's agent pages (``<subdomain>.zendesk.com``); "" for an instance
    no longer configured (its rows get no agent link rather than another instance's)."""
    try:
        return instances.get(instance).host.lower()
    except KeyError:
        return ""


def zendesk_hosts() -> dict[str, str]:
    """Every configured instance's agent host -> its key (the hosts pasted links may name)."""
    return {i.host.lower(): i.key for i in instances.all_instances()}


def zendesk_ticket_url(zd_id: int, instance: str = GLOBAL) -> str:
    """A ticket's agent page on its instance (never the /api/v2/... JSON address)."""
    host = zendesk_host(instance)
    return f"https://{host}/agent/tickets/{int(zd_id)}" if host else ""


def zendesk_org_url(zd_id: int | None, instance: str = GLOBAL) -> str:
    """An organization's agent page on its instance."""
    host = zendesk_host(instance)
    if not zd_id or not host:
        return ""
    return f"https://{host}/agent/organizations/{int(zd_id)}"


def zendesk_user_url(zd_id: int | None, instance: str = GLOBAL) -> str:
    """A Zendesk user's agent page on its instance."""
    host = zendesk_host(instance)
    if not zd_id or not host:
        return ""
    return f"https://{host}/agent/users/{int(zd_id)}"


def agent_url(row: Any) -> str:
    """The agent page of a mirrored Zendesk row (ticket, organization, support user), on the
    row's own instance."""
    from accounts.models import Organization
    from contacts.models import SupportUser
    from tickets.models import Ticket

    instance = getattr(row, "zd_instance", GLOBAL) or GLOBAL
    if isinstance(row, Ticket):
        return zendesk_ticket_url(row.zd_id, instance)
    if isinstance(row, Organization):
        return zendesk_org_url(row.zd_id, instance)
    if isinstance(row, SupportUser):
        return zendesk_user_url(row.zd_id, instance)
    raise TypeError(f"no Zendesk agent page for {type(row).__name__}")


def by_instance(rows: Iterable[Any]) -> list[Any]:
    """Zendesk rows in the order of their instances (global first, as configured), keeping the
    given order within an instance: one account's organizations side by side."""
    order = {key: n for n, key in enumerate(instances.keys())}
    return sorted(rows, key=lambda row: order.get(row.zd_instance, len(order)))


def instance_label(instance: str) -> str:
    """The instance's name where more than one is configured (pages label rows with it), else ""."""
    if not instances.is_multi():
        return ""
    try:
        return instances.get(instance).name
    except KeyError:
        return instance


def is_project_id(value: str | None) -> bool:
    """A collaboration project ID (AM ID) is a GitLab project's numeric ID, nothing else."""
    return bool(value) and PROJECT_ID.fullmatch(value or "") is not None


def collaboration_project_url(am_project_id: str | None) -> str:
    """`<GITLAB_URL>/projects/<id>` redirects to the project; empty for a value that is not an ID."""
    if not is_project_id(am_project_id):
        return ""
    return f"{settings.GITLAB_URL.rstrip('/')}/projects/{am_project_id}"
