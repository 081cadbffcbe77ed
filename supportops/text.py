"""The request texts support ops reads (the handbook's templates) and the links they carry."""

from urllib.parse import urlsplit

from django.conf import settings

from accounts.links import collaboration_project_url as accounts_project_url
from accounts.links import zendesk_org_url
from csmportal.instances import GLOBAL

HANDBOOK_CORRECTION_REF = (
    "https://about.gitlab.com/handbook/support/workflows/looking_up_customer_technical_details/"
    "#architecture-diagram-and-customer-success-project"
)
HANDBOOK_NOTES_REF = (
    "https://about.gitlab.com/handbook/support/internal-support/"
    "#i-want-to-add-important-information-about-the-organizationuser"
)


def org_agent_url(zd_id: int | None, instance: str = GLOBAL) -> str:
    """The organization's page in the Zendesk agent interface of its instance, on its tickets
    tab (the handbook's request quotes that address)."""
    url = zendesk_org_url(zd_id, instance)
    return f"{url}/tickets" if url else ""


def collaboration_project_url(am_project_id: str) -> str:
    """The link the Zendesk app builds from an org's collaboration project ID (surrounding
    spaces ignored, as the app does); empty when the ID is not numeric."""
    return accounts_project_url((am_project_id or "").strip())


def gitlab_host() -> str:
    return urlsplit(settings.GITLAB_URL).netloc.lower()


def correction_text(
    *, zd_organization_id: int | None, am_project_id: str, project_url: str, zd_instance: str = GLOBAL
) -> str:
    """The handbook's request for a collaboration project ID change, word for word."""
    return (
        "**Context/Request**: For an ORG I manage, I would like to request that the AM id gets changed "
        "which is used to link to the correct collaboration project from ZD org view.\n"
        "\n"
        f"**Org**: {org_agent_url(zd_organization_id, zd_instance)}\n"
        "\n"
        f"**The AM ID should therefore be**: {am_project_id} and finally point to {project_url}\n"
        "\n"
        f"**Ref. of handbook**: {HANDBOOK_CORRECTION_REF}\n"
    )


def notes_text(*, zd_organization_id: int | None, notes: str, zd_instance: str = GLOBAL) -> str:
    """A request to attach static notes to the org, in the same shape as the correction."""
    return (
        "**Context/Request**: For an ORG I manage, I would like to request that the following important "
        "static notes are attached to the Zendesk organization, so they appear on each new ticket.\n"
        "\n"
        f"**Org**: {org_agent_url(zd_organization_id, zd_instance)}\n"
        "\n"
        f"**Notes**:\n\n{notes.strip()}\n"
        "\n"
        f"**Ref. of handbook**: {HANDBOOK_NOTES_REF}\n"
    )


def link_fix_text(
    *,
    zd_organization_id: int | None,
    organization_name: str,
    domains: list[str],
    salesforce_id: str,
    account_name: str,
    zd_instance: str = GLOBAL,
) -> str:
    """A request to correct an organization's `salesforce_id`, which names an account whose name
    and domains the organization does not share (so its tickets land in that account's lists)."""
    return (
        "**Context/Request**: The Zendesk organization below carries the Salesforce ID of an account "
        "it does not seem to belong to, so its tickets are counted as that account's. Please set the "
        "organization's salesforce_id to the Salesforce account it belongs to, or clear it if it "
        "belongs to none.\n"
        "\n"
        f"**Org**: {org_agent_url(zd_organization_id, zd_instance)} ({organization_name}"
        f"{'; domains: ' + ', '.join(domains) if domains else ''})\n"
        "\n"
        f"**salesforce_id now**: {salesforce_id}, the Salesforce account {account_name}\n"
        "\n"
        "**Why**: the organization's name and domains do not match the account's, and nobody has "
        "confirmed that it belongs to the account.\n"
    )


def normalise_notes(value: str) -> str:
    """Notes compared whitespace- and case-insensitively (Zendesk may re-wrap lines)."""
    return " ".join((value or "").split()).casefold()
