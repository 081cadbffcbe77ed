"""What a CSM pastes as "the ticket" becomes a Zendesk ticket number."""

import pytest

from feedback.references import looks_like_reference, parse_ticket_reference


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
