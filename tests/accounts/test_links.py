"""Links to the systems of record: Salesforce (Lightning), the Zendesk org, the collaboration project."""

import pytest

from accounts.links import (
    collaboration_project_url,
    instance_label,
    salesforce_account_url,
    salesforce_web_url,
    zendesk_hosts,
    zendesk_org_url,
    zendesk_ticket_url,
    zendesk_user_url,
)
from tests.instances import GLOBAL_HOST, USGOV, USGOV_HOST, configure_two_instances


@pytest.mark.parametrize(
    "web,login,expected",
    [
        (
            "https://acme.lightning.force.com/",
            "https://acme.my.salesforce.com",
            "https://acme.lightning.force.com",
        ),
        ("", "https://acme.my.salesforce.com", "https://acme.lightning.force.com"),
        ("", "https://127.0.0.1:8443", "https://127.0.0.1:8443"),
        ("", "https://login.salesforce.com/", "https://login.salesforce.com"),
        ("", "", ""),
    ],
)
def test_it_finds_where_people_open_salesforce(settings, web, login, expected):
    settings.SALESFORCE_WEB_URL = web.rstrip("/")
    settings.SALESFORCE_LOGIN_URL = login
    assert salesforce_web_url() == expected


def test_it_links_the_salesforce_account_in_lightning(settings):
    settings.SALESFORCE_WEB_URL = ""
    settings.SALESFORCE_LOGIN_URL = "https://acme.my.salesforce.com"
    assert (
        salesforce_account_url("0011234567890ABCDE")
        == "https://acme.lightning.force.com/lightning/r/Account/0011234567890ABCDE/view"
    )
    settings.SALESFORCE_LOGIN_URL = ""
    assert salesforce_account_url("0011234567890ABCDE") == ""


def test_it_links_the_zendesk_org_agent_page(settings):
    settings.ZENDESK_SUBDOMAIN = "gitlab"
    assert zendesk_org_url(11111111) == "https://gitlab.zendesk.com/agent/organizations/11111111"
    assert zendesk_org_url(None) == ""


@pytest.mark.parametrize(
    "value,expected",
    [
        ("17735787", "https://gitlab.example/projects/17735787"),
        ("", ""),
        ("TBD", ""),
        (" 17735787 ", ""),
        ("https://gitlab.com/acme/collab", ""),
        ("../admin", ""),
    ],
)
def test_it_links_the_collaboration_project_by_id_only(settings, value, expected):
    settings.GITLAB_URL = "https://gitlab.example"
    assert collaboration_project_url(value) == expected


def test_agent_links_are_on_each_instances_own_host(settings):
    configure_two_instances(settings)
    assert zendesk_ticket_url(5) == f"https://{GLOBAL_HOST}/agent/tickets/5"
    assert zendesk_ticket_url(5, USGOV) == f"https://{USGOV_HOST}/agent/tickets/5"
    assert zendesk_org_url(7, USGOV) == f"https://{USGOV_HOST}/agent/organizations/7"
    assert zendesk_user_url(9, USGOV) == f"https://{USGOV_HOST}/agent/users/9"
    assert zendesk_hosts() == {GLOBAL_HOST: "global", USGOV_HOST: USGOV}
    # A row of an instance no longer configured gets no link rather than another instance's.
    assert zendesk_ticket_url(5, "emea") == zendesk_org_url(7, "emea") == ""


def test_an_instance_is_named_on_pages_only_when_there_is_more_than_one(settings):
    assert instance_label("global") == ""
    configure_two_instances(settings)
    assert (instance_label("global"), instance_label(USGOV)) == ("Global", "US Government")
