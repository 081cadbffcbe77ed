"""The handbook pages the portal links to, in one table.

The two versions of the handbook page the portal comes from ("TAM and Support Interaction",
"CSM and Support Interaction") link these pages; each feature links its page where the
handbook mentions it. The handbook's relative links (`/handbook/...`, `/support/...`) are
joined to `HANDBOOK_BASE_URL` (https://about.gitlab.com by default), so a company whose
handbook lives elsewhere changes one setting; `HANDBOOK_LINKS` (a JSON object, key -> absolute
URL) overrides single links. Links on other hosts (status page, support portal) are absolute.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class HandbookLink:
    title: str
    href: str  # a path on HANDBOOK_BASE_URL, or an absolute URL


HANDBOOK_LINKS: dict[str, HandbookLink] = {
    # "View the CSM Handbook homepage for additional CSM-related handbook pages."
    "csm_home": HandbookLink("CSM Handbook", "/handbook/customer-success/csm/"),
    # The seed's "Helpful links", in its order.
    "support_docs": HandbookLink("Official GitLab Support Documentation", "/support/"),
    "support_handbook": HandbookLink("Support Handbook (SLA + Tiers)", "/handbook/support/"),
    "status": HandbookLink("GitLab.com Status and Notifications", "https://status.gitlab.com/"),
    "onboarding": HandbookLink("Customer Onboarding", "/handbook/customer-success/csm/onboarding/"),
    "escalations": HandbookLink("Escalation Process", "/handbook/customer-success/csm/escalations/"),
    # Linked in context by the features.
    "sla": HandbookLink("Service Level Agreements (SLAs)", "/support/#gitlab-support-service-levels"),
    "preferred_region": HandbookLink(
        "guidelines", "/support/#effect-on-support-hours-if-a-preferred-region-for-support-is-chosen"
    ),
    "sensitive_information": HandbookLink(
        "Handling Sensitive Information With GitLab Support", "/support/sensitive-information/"
    ),
    "collaboration_project": HandbookLink(
        "Customer Collaboration Project", "/handbook/customer-success/csm/customer-collaboration-project/"
    ),
    "customer_technical_details": HandbookLink(
        "linking from ZD to the corresponding collaboration project",
        "/handbook/support/workflows/looking_up_customer_technical_details/"
        "#architecture-diagram-and-customer-success-project",
    ),
    "static_notes": HandbookLink(
        "support handbook",
        "/handbook/support/internal-support/#i-want-to-add-important-information-about-the-organizationuser",
    ),
    "contact_management_projects": HandbookLink(
        "contact management projects",
        "/handbook/support/readiness/operations/docs/gitlab/contact_management_projects/",
    ),
    "ssat_feedback": HandbookLink(
        "Sources of feedback",
        "/handbook/support/workflows/how-to-respond-to-feedback.html#sources-of-feedback",
    ),
    "managing_support_contacts": HandbookLink(
        "Managing Support Contacts", "/support/managing-support-contacts/#managing-contacts"
    ),
    "proving_entitlement": HandbookLink(
        "prove their support entitlement", "/support/#proving-your-support-entitlement"
    ),
    "support_portal": HandbookLink("support.gitlab.com", "https://support.gitlab.com/"),
}

# The seed's "Helpful links" section, in its order (the portal's footer).
HELPFUL_LINKS = ("support_docs", "support_handbook", "status", "onboarding", "escalations")


def _absolute(value: str, what: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{what} must be an absolute http(s) URL, not {value!r}.")
    return value


def resolve_links(base_url: str, overrides: dict[str, str]) -> dict[str, str]:
    """Every link as an absolute URL: key -> URL. Raises ImproperlyConfigured on a relative base
    or override, or an override of a link that is not in the table."""
    base = _absolute(str(base_url), "HANDBOOK_BASE_URL").rstrip("/")
    unknown = sorted(set(overrides) - set(HANDBOOK_LINKS))
    if unknown:
        raise ImproperlyConfigured(f"HANDBOOK_LINKS names unknown links: {', '.join(unknown)}.")
    resolved = {}
    for key, link in HANDBOOK_LINKS.items():
        if key in overrides:
            resolved[key] = _absolute(str(overrides[key]), f"HANDBOOK_LINKS[{key!r}]")
        elif link.href.startswith("/"):
            resolved[key] = base + link.href
        else:
            resolved[key] = link.href
    return resolved


def handbook_links() -> dict[str, str]:
    """Every link, resolved with the current settings (read on each call)."""
    return resolve_links(settings.HANDBOOK_BASE_URL, dict(settings.HANDBOOK_LINKS or {}))


def handbook_url(key: str) -> str:
    """One link's absolute URL; KeyError for a key that is not in the table."""
    return handbook_links()[key]
