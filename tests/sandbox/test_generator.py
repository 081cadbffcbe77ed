"""The generator: deterministic, realistic enough for the portal's findings, and lazy at scale."""

import json
import re
from collections import Counter

import pytest

from sandbox.config import SandboxConfig
from sandbox.data import generate_world
from sandbox.state import State
from sandbox.tickets import TicketFactory

DEMO = {"seed": 3, "accounts": 40, "tickets": 2000, "anchor": 1_767_225_600}


@pytest.fixture(scope="module")
def world():
    return generate_world(SandboxConfig(**DEMO), "https://sandbox.test")


@pytest.fixture(scope="module")
def factory(world):
    return TicketFactory(world)


@pytest.fixture(scope="module")
def tickets(factory):
    return [factory.ticket(i) for i in range(1, DEMO["tickets"] + 1)]


def dump(world) -> str:
    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in world.accounts + world.contacts]
    return json.dumps([rows, world.orgs, world.users, world.sf_users], sort_keys=True, default=str)


def test_same_seed_same_data_different_seed_different_data(world, factory):
    again = generate_world(SandboxConfig(**DEMO), "https://sandbox.test")
    assert dump(again) == dump(world)
    other_factory = TicketFactory(again)
    for i in (1, 2, 500, 1999):
        assert other_factory.ticket(i) == factory.ticket(i)
        assert other_factory.comments(i) == factory.comments(i)
        assert other_factory.case(i) == factory.case(i)
    changed = generate_world(SandboxConfig(**{**DEMO, "seed": 4}), "https://sandbox.test")
    assert dump(changed) != dump(world)


def test_accounts_have_plans_regions_seats_and_csms(world):
    accounts = world.accounts
    assert {a["Support_Level__c"] for a in accounts} == {"Basic", "Standard", "Priority"}
    assert {a["Region__c"] for a in accounts} == {"AMER", "EMEA", "APAC"}
    assert any(a["Seats__c"] >= 50 for a in accounts) and any(a["Seats__c"] < 50 for a in accounts)
    with_csm = [a for a in accounts if a["CSM__c"]]
    assert 0.5 < len(with_csm) / len(accounts) < 0.9
    owners = Counter(a["CSM__c"] for a in with_csm)
    demo, second = world.sf_users[0], world.sf_users[1]
    assert (demo["Email"], demo["Name"]) == ("csm@example.com", "Demo CSM")
    assert (second["Email"], second["Name"]) == ("csm2@example.com", "Second CSM")
    assert owners[demo["Id"]] >= 4 and owners[second["Id"]] >= 2
    assert all(len(a["Id"]) == 18 for a in accounts)


def test_sold_to_email_usually_matches_a_contact(world):
    contacts = {c["Email"].lower() for c in world.contacts}
    matching = [a for a in world.accounts if a["Sold_To_Email__c"].lower() in contacts]
    assert 0.75 * len(world.accounts) <= len(matching) < len(world.accounts)


def test_orgs_and_accounts_do_not_always_line_up(world):
    account_ids = {a["Id"] for a in world.accounts}
    fields = [o["organization_fields"] for o in world.orgs]
    linked = {f["salesforce_id"] for f in fields if f["salesforce_id"] in account_ids}
    assert len(linked) > 0.6 * len(world.accounts)
    assert len(linked) < len(world.accounts)  # some accounts have no (correctly linked) org
    assert any(world.org_account[o["id"]] is None for o in world.orgs)  # orgs with no account
    assert any(f["am_project_id"] is None for f in fields)
    assert any(f["am_project_id"] and not f["am_project_id"].isdigit() for f in fields)
    assert any(f["cmp_id"] and f["cmp_developers"].startswith("- ") for f in fields)
    eligible_without = [
        o for o in world.orgs if world.org_seats[o["id"]] >= 50 and not o["organization_fields"]["cmp_id"]
    ]
    assert eligible_without


def test_some_salesforce_ids_point_to_another_account():
    big = generate_world(SandboxConfig(seed=1, accounts=400, tickets=0, anchor=1_767_225_600), "https://x")
    ids = {a["Id"] for a in big.accounts}
    wrong = [
        o
        for o in big.orgs
        if big.org_account[o["id"]]
        and o["organization_fields"]["salesforce_id"] in ids
        and o["organization_fields"]["salesforce_id"] != big.org_account[o["id"]]
    ]
    assert wrong


def test_contacts_and_zendesk_users_overlap_only_partly(world):
    zd_emails = {u["email"].lower() for u in world.users if u["role"] == "end-user"}
    sf_emails = {c["Email"].lower() for c in world.contacts}
    assert sf_emails - zd_emails  # contacts not registered in Zendesk
    assert zd_emails - sf_emails  # Zendesk users with no Salesforce contact
    assert any(c["Email"] != c["Email"].lower() for c in world.contacts)  # varied case


def test_tickets_cover_every_priority_region_and_status(tickets):
    assert {t["priority"] for t in tickets} == {"urgent", "high", "normal", "low", None}
    assert {t["custom_fields"][0]["value"] for t in tickets} == {
        "all_regions",
        "americas_usa",
        "asia_pacific",
        "europe_middle_east_africa",
        None,
    }
    assert {t["status"] for t in tickets} == {"new", "open", "pending", "hold", "solved", "closed", "deleted"}
    assert all(t["url"].endswith(f"/api/v2/tickets/{t['id']}.json") for t in tickets)


def test_ticket_text_ranges_from_exemplary_to_poor(tickets, factory):
    sizes = [len(t["description"].encode()) for t in tickets]
    assert min(sizes) < 200 and 2000 < max(sizes) <= 5500
    text = "\n".join(t["description"] for t in tickets)
    for pattern in (r"glpat-[\w-]{20}", r"ghp_\w{36}", r"AKIA[A-Z0-9]{16}", r"password: \w+"):
        assert re.search(pattern, text), pattern
    assert re.search(r"(?i)call", text) and re.search(r"(?i)steps to reproduce|how to reproduce", text)
    assert re.search(r"(?i)expected (behaviou?r|result)", text) and "```" in text
    attachments = [
        a["file_name"] for i in range(1, 400) for c in factory.comments(i) for a in c["attachments"]
    ]
    assert any(n.endswith((".doc", ".docx", ".pdf")) for n in attachments)
    assert any(n.endswith(".log") for n in attachments) and any(n.endswith(".png") for n in attachments)
    assert len({t["subject"] for t in tickets}) > 30


def test_agents_ask_for_follow_up_items(world, factory):
    agents = set(world.agents)
    asks = [
        c["body"]
        for i in range(1, 400)
        for c in factory.comments(i)
        if c["author_id"] in agents and re.search(r"(?i)could you|can you|would you", c["body"])
    ]
    assert len(asks) > 20


def test_ratings_and_cases(factory):
    skeletons = [factory.skeleton(i) for i in range(1, 2001)]
    rated = [s for s in skeletons if s.rating in ("good", "bad")]
    ratings = [factory.rating(s) for s in rated]
    assert {r["score"] for r in ratings} == {"good", "bad"}
    assert any(r["comment"] for r in ratings if r["score"] == "bad")
    assert 0.8 < sum(s.has_case for s in skeletons) / len(skeletons) < 0.95


def test_a_million_tickets_are_generated_lazily():
    config = SandboxConfig(seed=1, accounts=50, tickets=1_000_000, anchor=1_767_225_600)
    factory = TicketFactory(generate_world(config, "https://x"))
    ticket = factory.ticket(999_999)
    assert ticket["id"] == 999_999 and ticket["generated_timestamp"] <= config.anchor
    assert factory.ticket(1)["created_at"] < ticket["created_at"]


def test_state_changes_keep_the_export_order(world):
    state = State(SandboxConfig(**{**DEMO, "tickets": 50}), "https://x")
    keys = list(state.tickets.after(-1))
    assert len(keys) == 50 == len(set(keys))
    state.update_ticket(10, status="solved", comment={"body": "Fixed in 17.2.1.", "public": True})
    after = list(state.tickets.after(-1))
    assert len(after) == 50 and state.ticket_for_key(after[-1])["id"] == 10
    assert state.comments(10)[-1]["body"] == "Fixed in 17.2.1."
