"""The request text is the handbook's, word for word; links are built as the Zendesk app builds them."""

import pytest

from supportops.text import collaboration_project_url, correction_text, notes_text, org_agent_url


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.ZENDESK_SUBDOMAIN = "gitlab"
    settings.GITLAB_URL = "https://gitlab.com"


# The handbook's template ("CSM and Support Interaction"), with its example values filled in.
HANDBOOK_EXAMPLE = """\
**Context/Request**: For an ORG I manage, I would like to request that the AM id gets changed which is used to link to the correct collaboration project from ZD org view.

**Org**: https://gitlab.zendesk.com/agent/organizations/11111111/tickets

**The AM ID should therefore be**: 17735787 and finally point to https://gitlab.com/<collaboration_project_url>

**Ref. of handbook**: https://about.gitlab.com/handbook/support/workflows/looking_up_customer_technical_details/#architecture-diagram-and-customer-success-project
"""  # noqa: E501


def test_it_renders_the_handbooks_correction_request_word_for_word():
    text = correction_text(
        zd_organization_id=11111111,
        am_project_id="17735787",
        project_url="https://gitlab.com/<collaboration_project_url>",
    )
    assert text == HANDBOOK_EXAMPLE


def test_it_builds_the_org_url_from_the_configured_zendesk_subdomain(settings):
    settings.ZENDESK_SUBDOMAIN = "acme-support"
    assert org_agent_url(42) == "https://acme-support.zendesk.com/agent/organizations/42/tickets"
    assert org_agent_url(None) == ""


def test_it_links_the_collaboration_project_like_the_zendesk_app(settings):
    assert collaboration_project_url("17735787") == "https://gitlab.com/projects/17735787"
    settings.GITLAB_URL = "https://gitlab.example.org"
    assert collaboration_project_url(" 42 ") == "https://gitlab.example.org/projects/42"


@pytest.mark.parametrize("value", ["", "abc", "12 34", "-5", "javascript:alert(1)"])
def test_it_gives_no_link_for_an_am_id_that_is_not_a_project_id(value):
    assert collaboration_project_url(value) == ""


def test_it_puts_the_notes_into_a_request_in_the_same_shape():
    text = notes_text(zd_organization_id=7, notes="  Runs GitLab on OpenShift.\nAsk for the VPN first.  ")
    assert text.startswith("**Context/Request**: For an ORG I manage")
    assert "**Org**: https://gitlab.zendesk.com/agent/organizations/7/tickets\n" in text
    assert "**Notes**:\n\nRuns GitLab on OpenShift.\nAsk for the VPN first.\n" in text
    assert text.rstrip().endswith("#i-want-to-add-important-information-about-the-organizationuser")
