"""The handbook's contact limits and the parsing of the "CMP Developers" markdown list."""

import pytest

from contacts.rules import (
    Developer,
    cmp_eligible,
    contact_limit,
    contact_warnings,
    developer_matches,
    parse_cmp_developers,
)


def test_it_parses_the_usual_markdown_list_shapes():
    text = "\n".join(
        [
            "## CMP Developers",
            "- jane.doe@acme.example",
            "* **Bob Smith** <Bob.Smith@Acme.example>",
            "1. [Carol](mailto:carol@acme.example)",
            "2) [@dave.k](https://gitlab.com/dave.k)",
            "- [ ] @erin_x",
            "+ `frank@acme.example`, gina@acme.example",
            "- __Ivy__ - ivy@acme.example",
            "plain name only",
        ]
    )
    assert parse_cmp_developers(text) == [
        Developer("jane.doe@acme.example", "jane.doe@acme.example"),
        Developer("Bob Smith", "bob.smith@acme.example"),
        Developer("Carol", "carol@acme.example"),
        Developer("@dave.k", "", "dave.k"),
        Developer("@erin_x", "", "erin_x"),
        Developer("frank@acme.example", "frank@acme.example"),
        Developer("gina@acme.example", "gina@acme.example"),
        Developer("Ivy", "ivy@acme.example"),
        Developer("plain name only"),
    ]


def test_it_reads_a_markdown_table_one_person_per_row():
    text = "| Name | Email |\n|---|:---:|\n| Hal | hal@acme.example |\n| Kim | KIM@acme.example |"
    assert parse_cmp_developers(text) == [
        Developer("Hal", "hal@acme.example"),
        Developer("Kim", "kim@acme.example"),
    ]


@pytest.mark.parametrize("text", [None, "", "   \n\r\n", "---\n# Heading only\n***"])
def test_it_finds_nobody_in_an_empty_or_decorative_field(text):
    assert parse_cmp_developers(text) == []


def test_it_counts_a_person_listed_twice_once():
    text = "- Jane <jane@acme.example>\r\n- JANE@ACME.EXAMPLE\r\n- @jo\n- [@jo](https://gitlab.com/jo)"
    assert [d.key for d in parse_cmp_developers(text)] == ["jane@acme.example", "@jo"]


def test_it_matches_developers_to_people_by_email_then_by_a_unique_username():
    people = {
        "jane@acme.example": "Jane",
        "dave.k@acme.example": "Dave",
        "sam@a.example": "S1",
        "sam@b.example": "S2",
    }
    devs = parse_cmp_developers("- JANE@acme.example\n- @dave.k\n- @sam\n- @nobody")
    assert developer_matches(devs, people) == {"jane@acme.example": "Jane", "@dave.k": "Dave"}


def test_it_applies_the_handbook_limits():
    assert not cmp_eligible(49) and cmp_eligible(50)
    assert contact_limit(has_cmp=False) == 30
    assert contact_limit(has_cmp=True) == 50


def _levels(**kwargs):
    defaults = {"seats": 10, "has_cmp": False, "registered": 0, "salesforce_contacts": 0, "maintainers": 0}
    return [(w.level, w.message) for w in contact_warnings(**{**defaults, **kwargs})]


def test_it_warns_over_and_near_the_contact_limit():
    assert _levels(registered=31)[0][0] == "bad" and "limit of 30" in _levels(registered=31)[0][1]
    assert _levels(registered=27)[0][0] == "warn"
    assert _levels(registered=26) == []
    over_with_cmp = _levels(seats=80, has_cmp=True, registered=51)
    assert over_with_cmp[0][0] == "bad" and "limit of 50" in over_with_cmp[0][1]
    assert _levels(seats=80, has_cmp=True, registered=31) == []


def test_it_warns_about_maintainers_and_eligibility():
    assert any(
        level == "bad" and "6 CMP developers" in message
        for level, message in _levels(seats=80, has_cmp=True, maintainers=6)
    )
    assert not any("CMP developers" in m for _, m in _levels(seats=80, has_cmp=True, maintainers=5))
    assert any("Eligible" in m for _, m in _levels(seats=50))
    assert any(level == "warn" and "projects need 50" in m for level, m in _levels(seats=20, has_cmp=True))


def test_it_notes_more_salesforce_contacts_than_can_be_registered():
    assert any("40 contacts in Salesforce" in m for _, m in _levels(salesforce_contacts=40))
    assert not any("in Salesforce" in m for _, m in _levels(salesforce_contacts=30))
