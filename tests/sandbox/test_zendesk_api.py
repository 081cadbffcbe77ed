"""The Zendesk subset, driven with the real zenpy client over HTTPS."""

import pytest
from zenpy.lib.api_objects import Comment, Organization, Ticket
from zenpy.lib.exception import APIException, RecordNotFoundException

from tests.sandbox.conftest import zenpy_for

ALL_TICKETS = 120  # TEST_DEFAULTS


def test_it_exports_every_ticket_over_several_pages(sandbox, zenpy_client):
    pages = zenpy_client.tickets.incremental(start_time=0, per_page=25)
    tickets = list(pages)
    ids = [t.id for t in tickets]
    assert sorted(ids) == list(range(1, ALL_TICKETS + 1))
    assert len(set(ids)) == len(ids)
    statuses = {t.status for t in tickets}
    assert "deleted" in statuses
    stamps = [t.generated_timestamp for t in tickets]
    assert stamps == sorted(stamps)


def test_it_resumes_from_a_saved_cursor(zd, sandbox):
    url = f"{sandbox.url}/api/v2/incremental/tickets/cursor.json"
    first = zd.get(url, params={"start_time": 0, "per_page": 40}).json()
    assert first["end_of_stream"] is False and len(first["tickets"]) == 40
    saved = first["after_cursor"]
    seen = [t["id"] for t in first["tickets"]]
    page = zd.get(url, params={"cursor": saved, "per_page": 40}).json()
    while True:
        seen += [t["id"] for t in page["tickets"]]
        if page["end_of_stream"]:
            break
        page = zd.get(page["after_url"]).json()
    assert sorted(seen) == list(range(1, ALL_TICKETS + 1))
    # The cursor of the last page brings only what changed since.
    last_cursor = page["after_cursor"]
    quiet = zd.get(url, params={"cursor": last_cursor}).json()
    assert quiet["tickets"] == [] and quiet["end_of_stream"] is True
    sandbox.state.update_ticket(7, status="solved")
    sandbox.state.delete_ticket(9)
    again = zd.get(url, params={"cursor": last_cursor}).json()
    assert [(t["id"], t["status"]) for t in again["tickets"]] == [(7, "solved"), (9, "deleted")]


def test_an_updated_ticket_reappears_later_in_the_stream(zenpy_client, sandbox):
    before = {t.id: t.generated_timestamp for t in zenpy_client.tickets.incremental(start_time=0)}
    ticket = zenpy_client.tickets(id=3)
    ticket.priority = "urgent"
    zenpy_client.tickets.update(ticket)
    after = list(zenpy_client.tickets.incremental(start_time=0))
    assert after[-1].id == 3 and after[-1].priority == "urgent"
    assert after[-1].generated_timestamp > before[3]
    assert [t.id for t in after].count(3) == 1


def test_wrong_credentials_get_zendesks_401(sandbox, monkeypatch):
    client = zenpy_for(sandbox, monkeypatch, token="not-the-token")
    with pytest.raises(APIException) as failure:
        client.tickets(id=1)
    assert failure.value.response.status_code == 401
    assert failure.value.response.json() == {"error": "Couldn't authenticate you"}


def test_it_shows_a_ticket_with_its_api_url_and_slas(zd, sandbox):
    body = zd.get(f"{sandbox.url}/api/v2/tickets/12.json", params={"include": "slas"}).json()
    ticket = body["ticket"]
    assert ticket["url"] == f"{sandbox.url}/api/v2/tickets/12.json"
    assert isinstance(ticket["slas"]["policy_metrics"], list)
    missing = zd.get(f"{sandbox.url}/api/v2/tickets/99999.json")
    assert missing.status_code == 404 and missing.json()["error"] == "RecordNotFound"


def test_new_unanswered_urgent_ticket_has_an_active_first_reply_sla(zenpy_client, zd, sandbox):
    user = next(u for u in sandbox.state.world.users if u["role"] == "end-user")
    audit = zenpy_client.tickets.create(
        Ticket(subject="Down", comment=Comment(body="All down."), priority="urgent", requester_id=user["id"])
    )
    body = zd.get(f"{sandbox.url}/api/v2/tickets/{audit.ticket.id}.json?include=slas").json()
    [metric] = body["ticket"]["slas"]["policy_metrics"]
    assert metric["metric"] == "first_reply_time" and metric["stage"] == "active"
    assert metric["breach_at"].endswith("Z")


def test_deleted_tickets_are_404_but_stay_in_the_export(zenpy_client, sandbox):
    deleted = [t.id for t in zenpy_client.tickets.incremental(start_time=0) if t.status == "deleted"]
    assert deleted
    with pytest.raises(RecordNotFoundException):
        zenpy_client.tickets(id=deleted[0])


def test_comments_carry_attachment_metadata_and_agent_follow_ups(zenpy_client, sandbox):
    agents = set(sandbox.state.world.agents)
    seen_attachment = seen_agent = False
    for ticket_id in range(1, 40):
        ticket = sandbox.state.ticket(ticket_id)
        if ticket["status"] == "deleted":
            continue
        comments = list(zenpy_client.tickets.comments(ticket=ticket_id))
        assert comments[0].author_id == ticket["requester_id"]
        assert comments[0].body == ticket["description"]
        for comment in comments:
            seen_agent |= comment.author_id in agents
            for attachment in comment.attachments:
                seen_attachment = True
                assert attachment.file_name and attachment.content_type and attachment.size > 0
                assert attachment.content_url.startswith(sandbox.url)
    assert seen_attachment and seen_agent


def test_pending_tickets_end_with_an_unanswered_agent_request(sandbox):
    state = sandbox.state
    pending = [i for i in range(1, ALL_TICKETS + 1) if state.ticket(i)["status"] == "pending"]
    assert pending
    for ticket_id in pending:
        last = state.comments(ticket_id)[-1]
        assert last["author_id"] in state.world.agents and last["public"]


def test_ticket_events_export_has_comment_events(zd, sandbox):
    url = f"{sandbox.url}/api/v2/incremental/ticket_events.json"
    body = zd.get(url, params={"start_time": 0, "include": "comment_events"}).json()
    events = body["ticket_events"]
    assert body["end_of_stream"] is True and body["count"] == len(events)
    times = [e["timestamp"] for e in events]
    assert times == sorted(times)
    comments = [c for e in events for c in e["child_events"] if c["event_type"] == "Comment"]
    by_ticket = {}
    for event in events:
        for child in event["child_events"]:
            if child["event_type"] == "Comment":
                by_ticket.setdefault(event["ticket_id"], []).append(child["id"])
    assert by_ticket[5] == [c["id"] for c in sandbox.state.comments(5)]
    assert all("body" in c and "attachments" in c for c in comments)
    bare = zd.get(url, params={"start_time": 0}).json()["ticket_events"]
    assert all("body" not in c for e in bare for c in e["child_events"] if c["event_type"] == "Comment")


def test_organizations_list_pages_with_cursors_and_updates_fields(zenpy_client, zd, sandbox):
    orgs = list(zenpy_client.organizations())
    assert len(orgs) == len(sandbox.state.world.orgs)
    page = zd.get(f"{sandbox.url}/api/v2/organizations.json", params={"page[size]": 3}).json()
    assert page["meta"]["has_more"] is True and page["links"]["next"]
    org = orgs[0]
    zenpy_client.organizations.update(Organization(id=org.id, organization_fields={"am_project_id": "4242"}))
    fresh = zenpy_client.organizations(id=org.id)
    assert fresh.organization_fields["am_project_id"] == "4242"
    assert fresh.organization_fields["salesforce_id"] == org.organization_fields["salesforce_id"]
    changed = zd.get(
        f"{sandbox.url}/api/v2/incremental/organizations.json",
        params={"start_time": sandbox.state.world.anchor + 1},
    ).json()
    assert [o["id"] for o in changed["organizations"]] == [org.id]


def test_users_export_with_cursor(zenpy_client, sandbox):
    users = list(zenpy_client.users.incremental(start_time=0))
    assert len(users) == len(sandbox.state.world.users)
    assert {u.role for u in users} >= {"end-user", "agent"}


def test_satisfaction_ratings_good_and_bad(zenpy_client, zd, sandbox):
    ratings = list(zenpy_client.satisfaction_ratings())
    assert {r.score for r in ratings} >= {"good", "bad"} and {r.score for r in ratings} <= {
        "good",
        "bad",
        "offered",
    }
    assert all(r.ticket_id and r.requester_id for r in ratings)
    bad = zd.get(f"{sandbox.url}/api/v2/satisfaction_ratings.json", params={"score": "bad"}).json()
    assert {r["score"] for r in bad["satisfaction_ratings"]} == {"bad"}
    commented = zd.get(
        f"{sandbox.url}/api/v2/satisfaction_ratings.json", params={"score": "received_with_comment"}
    )
    rows = commented.json()["satisfaction_ratings"]
    assert rows and all(r["comment"] and r["score"] in ("good", "bad") for r in rows)


def test_region_field_found_by_title(zenpy_client):
    fields = {f.title: f for f in zenpy_client.ticket_fields()}
    region = fields["Preferred Region for Support"]
    assert [o.value for o in region.custom_field_options] == [
        "all_regions",
        "americas_usa",
        "asia_pacific",
        "europe_middle_east_africa",
    ]


def test_invalid_ticket_is_rejected(zd, sandbox):
    response = zd.post(
        f"{sandbox.url}/api/v2/tickets.json",
        json={"ticket": {"subject": "x", "priority": "meh", "comment": {"body": "y"}}},
    )
    assert response.status_code == 422 and response.json()["error"] == "RecordInvalid"
