"""End to end against the sandbox, on PostgreSQL: the real clients (zenpy's session,
simple-salesforce), the real exports, the real upserts."""

import pytest
from django.core.management import call_command

from integrations import zendesk as zendesk_client
from integrations.models import RunStatus, SyncState
from integrations.runner import run_stream
from integrations.services import ticket_fetch
from integrations.zendesk import ZendeskClient
from tickets.models import Status, Ticket

from .conftest import assert_mirrors, changes, link_snapshot, sync_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_full_sync_gives_exactly_the_sandboxs_records_and_a_second_changes_nothing(synced):
    runs = sync_all()
    assert all(run.status == RunStatus.SUCCEEDED for run in runs.values())
    assert_mirrors(synced)
    assert Ticket.objects.filter(status=Status.DELETED).exists()  # deleted tickets are kept, as deleted
    links = link_snapshot()
    assert any(acct for _, _, acct, _, _ in links["tickets"])  # links resolved

    again = sync_all()
    assert set(changes(again).values()) == {(0, 0, 0)}
    assert_mirrors(synced)
    assert link_snapshot() == links

    full = sync_all(full=True)  # everything read again from the start
    assert set(changes(full).values()) == {(0, 0, 0)}
    assert full["zendesk.tickets"].fetched == Ticket.objects.count()


def test_an_incremental_run_picks_up_only_what_changed(synced):
    sync_all()
    state = synced.state
    before = {s.stream: s.cursor for s in SyncState.objects.all()}
    state.update_ticket(5, status="solved", comment={"body": "Fixed in 16.2", "public": True})
    state.delete_ticket(6)
    new_ticket, _ = state.create_ticket(
        {"subject": "New problem", "requester_id": state.ticket(7)["requester_id"], "priority": "high"},
        notify=False,
    )
    org = state.world.orgs[0]
    state.update_org(org["id"], {"notes": "Prefers phone", "organization_fields": {"am_project_id": "4242"}})
    account_id = state.world.accounts[0]["Id"]
    state.sf.update("Account", account_id, {"Health_Score__c": "Red"})

    runs = sync_all()
    got = changes(runs)
    assert got["zendesk.tickets"] == (1, 1, 1)  # the new one, #5, and #6 deleted
    assert got["zendesk.comments"] == (2, 0, 0)  # the comment on #5 and the new ticket's description
    assert got["zendesk.organizations"] == (0, 1, 0)
    assert got["salesforce.accounts"] == (0, 1, 0)
    assert got["salesforce.cases"] == (1, 0, 0)  # Zendesk's integration opens a case for the new ticket
    for name in ("zendesk.users", "zendesk.ratings", "salesforce.users", "salesforce.contacts"):
        assert got[name] == (0, 0, 0), name
    assert Ticket.objects.get(zd_id=6).status == Status.DELETED
    assert Ticket.objects.get(zd_id=new_ticket["id"]).organization is not None
    assert {s.stream: s.cursor for s in SyncState.objects.all()} != before
    assert_mirrors(synced)


def test_faults_and_duplicate_pages_give_the_same_result(make_sandbox, point_at, monkeypatch):
    monkeypatch.setattr(zendesk_client, "EXPORT_PAGE", 25)  # many pages, many chances to fail
    clean = make_sandbox(tickets=300)
    point_at(clean)
    sync_all()
    assert_mirrors(clean)
    expected_links = link_snapshot()
    call_command("flush", "--noinput", verbosity=0)

    faulty = make_sandbox(tickets=300, faults=0.1, slow_seconds=0.2, retry_after_seconds=1)
    point_at(faulty)
    runs = sync_all()
    stats = faulty.state.stats()
    assert sum(stats["faults_injected"].values()) >= 5, stats["faults_injected"]
    assert all(run.status == RunStatus.SUCCEEDED for run in runs.values())
    assert_mirrors(faulty)
    assert link_snapshot() == expected_links

    # Pages written again (a rerun from older cursors, each page twice) change nothing.
    class Twice:
        def __init__(self, client):
            self.client = client

        def __getattr__(self, name):
            pages = getattr(self.client, name)

            def replay(cursor):
                for page in pages(cursor):
                    yield page
                    yield page

            return replay

    faulty.state.faults.configure(rate=0.0)
    for name in ("zendesk.tickets", "zendesk.comments", "zendesk.users", "zendesk.organizations"):
        SyncState.objects.filter(stream=name).update(cursor="")
        run = run_stream(name, client=Twice(ZendeskClient.from_settings(may_wait=True)))
        assert (run.created, run.updated, run.deleted) == (0, 0, 0), name
    assert_mirrors(faulty)
    assert link_snapshot() == expected_links


def test_a_ticket_updated_while_the_sync_runs_ends_at_its_latest_version(make_sandbox, point_at, monkeypatch):
    monkeypatch.setattr(zendesk_client, "EXPORT_PAGE", 20)
    handle = make_sandbox(tickets=200)
    point_at(handle)
    early = 3  # in the first pages of the export
    seen = []

    def on_page(progress):
        seen.append(progress.page)
        if len(seen) == 2:
            handle.state.update_ticket(early, subject="Renamed while syncing", priority="urgent")
            handle.state.update_ticket(early, status="pending")

    run_stream("zendesk.tickets", on_page=on_page)
    ticket = Ticket.objects.get(zd_id=early)
    latest = handle.state.ticket(early)
    assert (ticket.subject, ticket.priority, ticket.status) == ("Renamed while syncing", "urgent", "pending")
    assert ticket.generated_timestamp == latest["generated_timestamp"]


def test_the_webhook_fetch_and_the_stream_never_go_back_in_time(synced):
    sync_all()
    synced.state.update_ticket(9, subject="Newest subject")
    result = ticket_fetch(zd_id=9)  # the webhook's path: the newest version first
    assert result is not None and Ticket.objects.get(zd_id=9).subject == "Newest subject"
    assert result.updated == [Ticket.objects.get(zd_id=9).pk]
    assert ticket_fetch(zd_id=9).updated == []  # the same version again: nothing changed

    # A full resync reads old pages again (and then the new version): still the newest.
    run_stream("zendesk.tickets", full=True)
    assert Ticket.objects.get(zd_id=9).subject == "Newest subject"


def test_fetching_a_ticket_creates_it_with_its_sla_and_links(synced):
    sync_all()
    state = synced.state
    requester = state.ticket(12)["requester_id"]
    created, _ = state.create_ticket(
        {"subject": "Urgent outage", "requester_id": requester, "priority": "urgent"}, notify=False
    )
    result = ticket_fetch(zd_id=created["id"])
    ticket = Ticket.objects.get(zd_id=created["id"])
    assert result.created == [ticket.pk]
    assert ticket.sla_state == "due" and ticket.first_reply_due_at is not None
    assert ticket.requester is not None and ticket.organization is not None
    assert ticket_fetch(zd_id=10**7) is None  # Zendesk does not know it: nothing written


def test_an_expired_salesforce_session_logs_in_again(synced):
    from integrations.salesforce import SalesforceClient

    client = SalesforceClient.from_settings()
    run_stream("salesforce.accounts", client=client)
    synced.state.expire_sf_sessions()
    run = run_stream("salesforce.accounts", full=True, client=client)
    assert run.status == RunStatus.SUCCEEDED and client.logins == 2
