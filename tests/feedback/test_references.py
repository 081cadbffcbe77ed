"""What a CSM pastes as "the ticket" becomes a Zendesk ticket number."""

import pytest

from feedback.references import looks_like_reference, parse_ticket, parse_ticket_reference
from tests.instances import configure_two_instances


@pytest.mark.parametrize(
    "text,number",
    [
        ("123456", 123456),
        ("#123456", 123456),
        ("  # 42 ", 42),
        ("https://example.zendesk.com/agent/tickets/123456", 123456),
        ("https://example.zendesk.com/api/v2/tickets/123456.json", 123456),  # the notification email's link
        ("https://example.zendesk.com/api/v2/tickets/123456.json?include=users", 123456),
        ("https://example.zendesk.com/agent/#/tickets/77", 77),  # the old agent interface
        ("https://example.zendesk.com/tickets/123456", 123456),  # the handbook's workaround link
        ("https://example.zendesk.com/hc/en-us/requests/9876", 9876),  # the help center
        ("example.zendesk.com/agent/tickets/55/events", 55),
    ],
)
def test_it_reads_numbers_and_every_kind_of_zendesk_ticket_link(text, number):
    assert parse_ticket_reference(text) == number
    assert looks_like_reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "runner timeout",
        "https://example.zendesk.com/agent/users/55",
        "https://example.zendesk.com/agent/tickets/",
        "https://example.zendesk.com/agent/organizations/123/tickets",
        "99999999999999999999",  # beyond a 64-bit Zendesk id
    ],
)
def test_it_finds_no_ticket_in_other_text(text):
    assert parse_ticket_reference(text) is None


def test_it_treats_words_as_a_search_not_a_reference():
    assert not looks_like_reference("runner keeps timing out")


@pytest.mark.parametrize(
    "text,instance,number",
    [
        ("123456", "global", 123456),
        ("#77", "global", 77),
        ("https://acme.zendesk.com/agent/tickets/5", "global", 5),
        ("https://acme-gov.zendesk.com/agent/tickets/5", "usgov", 5),
        ("ACME-GOV.zendesk.com/api/v2/tickets/5.json", "usgov", 5),
        ("https://acme-gov.zendesk.com:443/hc/en-us/requests/9", "usgov", 9),
        ("/agent/tickets/5", "global", 5),  # no host: the global instance's
    ],
)
def test_a_link_names_the_instance_its_host_belongs_to(settings, text, instance, number):
    configure_two_instances(settings)
    assert parse_ticket(text) == (instance, number)


@pytest.mark.parametrize(
    "text",
    [
        "https://other.zendesk.com/agent/tickets/5",
        "https://acme-gov.zendesk.com.evil.test/agent/tickets/5",
        "https://acme-gov.zendesk.com@evil.test/agent/tickets/5",
    ],
)
def test_a_link_to_a_host_of_no_configured_instance_names_no_ticket(settings, text):
    configure_two_instances(settings)
    assert parse_ticket(text) is None
