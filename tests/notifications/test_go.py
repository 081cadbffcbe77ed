"""GET /go/: any link to a ticket of our Zendesk (or a number) opens its agent page; nothing else."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from notifications.links import NotAZendeskTicketLink, parse_ticket_reference
from tests.instances import USGOV_HOST, configure_two_instances

AGENT = "https://acme.zendesk.com/agent/tickets/{}"


@pytest.fixture(autouse=True)
def subdomain(settings):
    settings.ZENDESK_SUBDOMAIN = "acme"


@pytest.mark.parametrize(
    "text,number",
    [
        ("123456", 123456),
        ("#123456", 123456),
        ("  123456 ", 123456),
        ("https://acme.zendesk.com/api/v2/tickets/123456.json", 123456),
        ("https://acme.zendesk.com/api/v2/tickets/123456", 123456),
        ("https://acme.zendesk.com/tickets/123456", 123456),
        ("https://acme.zendesk.com/agent/tickets/123456", 123456),
        ("https://acme.zendesk.com/agent/tickets/123456/events", 123456),
        ("https://ACME.Zendesk.com/agent/tickets/123456?foo=bar#x", 123456),
        ("http://acme.zendesk.com/agent/tickets/7", 7),
        ("acme.zendesk.com/agent/tickets/7", 7),
        ("acme.zendesk.com:443/agent/tickets/7", 7),
        ("https://acme.zendesk.com./agent/tickets/7", 7),
        ("https://acme.zendesk.com/hc/en-us/requests/99", 99),
        ("https://acme.zendesk.com/hc/requests/99", 99),
        ("https://acme.zendesk.com/requests/99", 99),
        ("https://acme.zendesk.com/agent/#/tickets/55", 55),
    ],
)
def test_it_reads_the_ticket_number_from_any_link_to_our_zendesk(text, number):
    assert parse_ticket_reference(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://evil.test/agent/tickets/1",
        "https://other.zendesk.com/agent/tickets/1",
        "https://acme.zendesk.com.evil.test/agent/tickets/1",
        "https://evilacme.zendesk.com/agent/tickets/1",
        "https://acme.zendesk.com@evil.test/agent/tickets/1",
        "https://user:pw@acme.zendesk.com/agent/tickets/1",
        "https://acme.zendesk.com:8443/agent/tickets/1",
        "//evil.test/agent/tickets/1",
        "\\\\evil.test/agent/tickets/1",
        "https:\\\\evil.test\\agent\\tickets\\1",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)//acme.zendesk.com/agent/tickets/1",
        "data:text/html,<script>alert(1)</script>",
        "ftp://acme.zendesk.com/agent/tickets/1",
        "https://acme.zendesk.com/agent/users/1",
        "https://acme.zendesk.com/api/v2/users/1.json",
        "https://acme.zendesk.com/agent/tickets/abc",
        "https://acme.zendesk.com/agent/tickets/0",
        "0",
        "https://acme.zendesk.com/agent/tickets/1\r\nLocation: https://evil.test",
        "https://acme.zendesk.com%2f@evil.test/agent/tickets/1",
    ],
)
def test_it_refuses_anything_that_is_not_a_ticket_of_our_zendesk(text):
    with pytest.raises(NotAZendeskTicketLink):
        parse_ticket_reference(text)


@hsettings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_whatever_is_pasted_the_result_is_a_number_or_a_refusal(text):
    try:
        number = parse_ticket_reference(text)
    except NotAZendeskTicketLink:
        return
    assert isinstance(number, int) and number > 0


@pytest.mark.django_db
def test_it_redirects_to_the_agent_page_and_nowhere_else(csm_client):
    response = csm_client.get("/go/", {"url": "https://acme.zendesk.com/api/v2/tickets/123456.json"})
    assert response.status_code == 302
    assert response["Location"] == AGENT.format(123456)
    assert response["Referrer-Policy"] == "no-referrer"
    assert csm_client.get("/go/", {"url": "#42"})["Location"] == AGENT.format(42)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "https://evil.test/x",
        "//evil.test",
        "https://acme.zendesk.com.evil.test/agent/tickets/1",
        "javascript:x",
    ],
)
def test_it_refuses_foreign_hosts_with_the_form_and_a_clear_error(csm_client, url):
    response = csm_client.get("/go/", {"url": url})
    assert response.status_code == 400
    assert "Location" not in response
    assert b"errorlist" in response.content
    assert b"Open a Zendesk ticket" in response.content


@pytest.mark.django_db
def test_without_a_url_it_shows_the_paste_a_link_form_and_the_bookmarklet(csm_client):
    response = csm_client.get("/go/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="url"' in html and "errorlist" not in html
    assert "acme.zendesk.com" in html
    assert "javascript:location.href=" in html  # the one-click bookmarklet


@pytest.mark.django_db
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_the_only_place_go_ever_redirects_to_is_our_zendesk(csm_client, text):
    response = csm_client.get("/go/", {"url": text})
    if response.status_code == 302:
        assert response["Location"].startswith("https://acme.zendesk.com/agent/tickets/")
        assert response["Location"].rsplit("/", 1)[1].isdigit()
    else:
        assert response.status_code in (200, 400)


def test_it_offers_the_handbooks_redirector_configuration_for_the_configured_host(csm_client):
    """The handbook's fourth workaround, generated for ZENDESK_SUBDOMAIN, as a file to import."""
    import json
    import re

    response = csm_client.get("/go/redirector.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="redirector-zendesk-tickets.json"'
    config = json.loads(response.content)
    [redirect] = config["redirects"]
    assert redirect["includePattern"] == "https://acme.zendesk.com/api/v2/tickets/([0-9]+).json"
    assert redirect["redirectUrl"] == "https://acme.zendesk.com/agent/tickets/$1"
    assert (redirect["patternType"], redirect["processMatches"], redirect["appliesTo"]) == (
        "R", "noProcessing", ["main_frame"],
    )  # fmt: skip
    # What Redirector does with it: the example link becomes the ticket's agent page.
    match = re.fullmatch(redirect["includePattern"], redirect["exampleUrl"])
    assert redirect["redirectUrl"].replace("$1", match.group(1)) == redirect["exampleResult"]
    assert redirect["exampleResult"] == AGENT.format(12345)


def test_it_lists_the_handbooks_workarounds_in_order(csm_client):
    page = csm_client.get("/go/").content.decode()
    steps = [
        "Open the Salesforce case link instead.",
        "edit the URL so it takes you to the ticket itself rather than the .json",
        "search for the ticket (by copying the ticket number or searching for the customer)",
        "Redirector Chrome extension",
        'href="/go/redirector.json"',
    ]
    positions = [page.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "https://acme.zendesk.com/api/v2/tickets/123456.json" in page
    assert "&quot;redirectUrl&quot;: &quot;https://acme.zendesk.com/agent/tickets/$1&quot;" in page


@pytest.mark.django_db
def test_with_two_instances_a_link_opens_on_its_hosts_instance_and_a_number_on_the_pages(
    csm_client, settings
):
    configure_two_instances(settings)
    gov = csm_client.get("/go/", {"url": f"https://{USGOV_HOST}/api/v2/tickets/5.json"})
    assert gov.status_code == 302 and gov["Location"] == f"https://{USGOV_HOST}/agent/tickets/5"
    assert csm_client.get("/go/", {"url": "5"})["Location"] == AGENT.format(5)
    assert csm_client.get("/go/usgov/", {"url": "#5"})["Location"] == f"https://{USGOV_HOST}/agent/tickets/5"
    link = csm_client.get("/go/usgov/", {"url": AGENT.format(6)})
    assert link["Location"] == AGENT.format(6)  # a link names its own instance, whatever the page
    refused = csm_client.get("/go/", {"url": "https://other.zendesk.com/agent/tickets/5"})
    assert refused.status_code == 400 and f"acme.zendesk.com or {USGOV_HOST}" in refused.content.decode()
    assert csm_client.get("/go/emea/").status_code == 404


def test_the_redirector_configuration_has_a_rule_for_each_instances_host(csm_client, settings):
    import json

    configure_two_instances(settings)
    config = json.loads(csm_client.get("/go/redirector.json").content)
    assert [r["redirectUrl"] for r in config["redirects"]] == [
        AGENT.format("$1"),
        f"https://{USGOV_HOST}/agent/tickets/$1",
    ]
