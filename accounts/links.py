"""Links people open to the systems of record: Salesforce (Lightning), Zendesk's agent pages,
the collaboration project. Every app builds these addresses here."""

import re
from urllib.parse import quote, urlsplit

from django.conf import settings

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


def zendesk_host() -> str:
    return f"{settings.ZENDESK_SUBDOMAIN}.zendesk.com".lower()


def zendesk_ticket_url(zd_id: int) -> str:
    """A ticket's agent page (never the /api/v2/... JSON address)."""
    return f"https://{zendesk_host()}/agent/tickets/{int(zd_id)}"


def zendesk_org_url(zd_id: int | None) -> str:
    if not zd_id:
        return ""
    return f"https://{zendesk_host()}/agent/organizations/{int(zd_id)}"


def is_project_id(value: str | None) -> bool:
    """A collaboration project ID (AM ID) is a GitLab project's numeric ID, nothing else."""
    return bool(value) and PROJECT_ID.fullmatch(value or "") is not None


def collaboration_project_url(am_project_id: str | None) -> str:
    """`<GITLAB_URL>/projects/<id>` redirects to the project; empty for a value that is not an ID."""
    if not is_project_id(am_project_id):
        return ""
    return f"{settings.GITLAB_URL.rstrip('/')}/projects/{am_project_id}"
