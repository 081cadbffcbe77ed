# ruff: noqa: E501, RUF001 -- the table quotes the seeds line by line, curly apostrophes included
"""Every statement of the handbook pages the portal comes from, and where the portal shows it.

Each row: (seed file, the seed's own words, where the portal shows them). A row fails when the
seed no longer says it (the table is stale) or when the portal no longer shows it (the wording
or the step disappeared). Words are compared as a reader sees them: markdown links as their
text, HTML tags dropped, curly apostrophes straight, case and spacing ignored.
"""

import pytest

from csmportal.handbook import handbook_links
from tests.handbook.seeds import NEWER, OLDER, page_words, seed_raw, seed_words

pytestmark = pytest.mark.django_db

ACCOUNT = "account page (onboarding checklists)"
CONTACTS = "contacts page"
EMAIL = "Managing Support Contacts email"
TICKET = "ticket page"
GO = "link fixer (/go/)"
FEEDBACK = "feedback pages"
FOOTER = "footer of every page"

SEED_LINES = [
    # The older TAM page, "Establishing Customers in Support Systems": the four steps and the caveat.
    (OLDER, "collect a list of names and email addresses for people that the customer intends to have SLA-driven access to support", ACCOUNT),
    (OLDER, "into the GitLab Salesforce system as Contacts associated with the customer’s Account record", ACCOUNT),
    (OLDER, "set the domain name for the Zendesk account to the domain name for the customer’s submitted email addresses, when applicable", ACCOUNT),
    (OLDER, "register in the support system by navigating to support.gitlab.com and following the instructions on the Sign In pop-up for people that are new to GitLab", ACCOUNT),
    (OLDER, "The self-registration process will then recognize the email address and correctly ensure that submitted tickets are guided by the customer’s purchased support SLA", ACCOUNT),
    (OLDER, "Users who aren't associated with their organization will be asked to prove their support entitlement", ACCOUNT),
    (OLDER, "which can introduce some delays", ACCOUNT),
    # The newer CSM page: the steps, the consequence, static notes, the collaboration project, CMPs.
    (NEWER, "the sold-to email for that account via SFDC", ACCOUNT),
    (NEWER, "Send an email to the sold-to email to follow the procedures outlined in Managing Support Contacts", ACCOUNT),
    (NEWER, "follow the procedures outlined in Managing Support Contacts", EMAIL),
    (NEWER, "Users who aren't associated with their organization will not be able to access GitLab Support", CONTACTS),
    (NEWER, "Users who aren't associated with their organization will not be able to access GitLab Support", EMAIL),
    (NEWER, "Users who aren't associated with their organization will not be able to access GitLab Support", ACCOUNT),
    (NEWER, "To add important static notes that will appear on each new ticket to help the support team with context", ACCOUNT),
    (NEWER, "request this be attached to the customer's Zendesk organization", ACCOUNT),
    (NEWER, "review the Customer Collaboration Project ID set in Zendesk", ACCOUNT),
    (NEWER, "Customer Collaboration Project", TICKET),
    (NEWER, "Apps", TICKET),
    (NEWER, "CSM guidance on contact management projects", CONTACTS),
    (NEWER, "only Support Readiness and the customers' chosen users have access to a contact management project", CONTACTS),
    (NEWER, "Contact Management Project ID", CONTACTS),
    (NEWER, "CMP Developers", CONTACTS),
    (NEWER, "who has support entitlement", CONTACTS),
    (NEWER, "Service Level Agreements (SLAs)", TICKET),
    (NEWER, "Handling Sensitive Information With GitLab Support", TICKET),
    (NEWER, "Sources of feedback", FEEDBACK),
    # "Support Ticket Notifications": the workarounds, in the link fixer.
    (NEWER, "a .json file which is difficult to read and sometimes doesn't load", GO),
    (NEWER, "Open the Salesforce case link instead. You will be unable to take any action on the ticket, but you will be able to read it.", GO),
    (NEWER, "edit the URL so it takes you to the ticket itself rather than the .json", GO),
    (NEWER, "search for the ticket (by copying the ticket number or searching for the customer)", GO),
    (NEWER, "Redirector Chrome extension", GO),
    (NEWER, "Redirector Firefox add-on", GO),
    # "Helpful links" and the CSM handbook home.
    (NEWER, "Official GitLab Support Documentation", FOOTER),
    (NEWER, "Support Handbook (SLA + Tiers)", FOOTER),
    (NEWER, "GitLab.com Status and Notifications", FOOTER),
    (NEWER, "Customer Onboarding", FOOTER),
    (NEWER, "Escalation Process", FOOTER),
    (NEWER, "CSM Handbook homepage", FOOTER),
]  # fmt: skip

# (seed file, the seed's link target, the handbook table's key, where the portal links it)
SEED_LINKS = [
    (NEWER, "/handbook/customer-success/csm/", "csm_home", FOOTER),
    (NEWER, "https://about.gitlab.com/support/", "support_docs", FOOTER),
    (NEWER, "/handbook/support/", "support_handbook", FOOTER),
    (NEWER, "https://status.gitlab.com/", "status", FOOTER),
    (NEWER, "/handbook/customer-success/csm/onboarding/", "onboarding", FOOTER),
    (NEWER, "/handbook/customer-success/csm/escalations/", "escalations", FOOTER),
    (NEWER, "https://about.gitlab.com/support/#gitlab-support-service-levels", "sla", TICKET),
    (NEWER, "https://about.gitlab.com/support/#effect-on-support-hours-if-a-preferred-region-for-support-is-chosen", "preferred_region", TICKET),
    (NEWER, "https://about.gitlab.com/support/sensitive-information/", "sensitive_information", TICKET),
    (NEWER, "/handbook/customer-success/csm/customer-collaboration-project/", "collaboration_project", TICKET),
    (NEWER, "/handbook/customer-success/csm/customer-collaboration-project/", "collaboration_project", ACCOUNT),
    (NEWER, "/handbook/support/workflows/looking_up_customer_technical_details/#architecture-diagram-and-customer-success-project", "customer_technical_details", TICKET),
    (NEWER, "/handbook/support/workflows/looking_up_customer_technical_details/#architecture-diagram-and-customer-success-project", "customer_technical_details", ACCOUNT),
    (NEWER, "/handbook/support/internal-support/#i-want-to-add-important-information-about-the-organizationuser", "static_notes", ACCOUNT),
    (NEWER, "/handbook/support/readiness/operations/docs/gitlab/contact_management_projects/", "contact_management_projects", CONTACTS),
    (NEWER, "/handbook/support/workflows/how-to-respond-to-feedback.html#sources-of-feedback", "ssat_feedback", FEEDBACK),
    (NEWER, "https://about.gitlab.com/support/managing-support-contacts/#managing-contacts", "managing_support_contacts", ACCOUNT),
    (NEWER, "https://about.gitlab.com/support/managing-support-contacts/#managing-contacts", "managing_support_contacts", CONTACTS),
]  # fmt: skip


@pytest.mark.parametrize("seed,words,where", SEED_LINES, ids=[f"{w[:40]} @ {p}" for _s, w, p in SEED_LINES])
def test_the_portal_shows_the_seeds_words(portal, seed, words, where):
    assert page_words(words) in seed_words(seed), f"the seed {seed} no longer says: {words}"
    assert page_words(words) in page_words(portal(where)), f"the {where} no longer shows: {words}"


@pytest.mark.parametrize(
    "seed,target,key,where", SEED_LINKS, ids=[f"{k} @ {p}" for _s, _t, k, p in SEED_LINKS]
)
def test_the_portal_links_the_seeds_pages_where_the_seed_does(portal, settings, seed, target, key, where):
    assert f"]({target})" in seed_raw(seed), f"the seed {seed} no longer links {target}"
    url = handbook_links()[key]
    # The seed's relative links become absolute on the handbook's host.
    assert url == (settings.HANDBOOK_BASE_URL + target if target.startswith("/") else target)
    assert f'data-handbook="{key}" href="{url}"' in portal(where), f"the {where} does not link {key}"


def test_it_shows_the_org_notes_escaped_in_the_apps_panel(portal):
    from accounts.models import Organization

    Organization.objects.update(notes='<script>alert("notes")</script> Call the on-call lead')
    page = portal(TICKET)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;notes&quot;)&lt;/script&gt; Call the on-call lead" in page
    assert 'href="https://gitlab.com/projects/17735787"' in page  # the collaboration project link


def test_no_sentence_contradicts_the_seed(portal):
    """Sentences the portal once said that the seeds contradict."""
    pages = " ".join(page_words(portal(where)) for where in (ACCOUNT, CONTACTS, EMAIL))
    for wrong in (
        "org domain matching is no longer applied",
        "does not associate anyone with the organization",
        "tell us who should be able to open support tickets",
        "cannot open tickets with your sla",
        "(up to 30)",
    ):
        assert wrong not in pages, wrong
