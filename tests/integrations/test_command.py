"""``manage.py sync``: what it prints and its exit status."""

import pytest
from django.core.management import CommandError, call_command

from integrations.management.commands.sync import STREAM_NAMES, pick_streams
from integrations.models import RunStatus, SyncRun

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_it_picks_streams_in_dependency_order_and_by_source():
    assert pick_streams(None) == STREAM_NAMES
    assert pick_streams(["zendesk.tickets", "salesforce.accounts"]) == [
        "salesforce.accounts",
        "zendesk.tickets",
    ]
    assert all(s.startswith("zendesk.") for s in pick_streams(["zendesk"]))
    with pytest.raises(CommandError, match=r"Unknown stream 'zendesk\.everything'"):
        pick_streams(["zendesk.everything"])


def test_it_syncs_every_stream_and_prints_a_summary(synced, capsys):
    call_command("sync", "--no-progress")
    out = capsys.readouterr().out
    header, _rule, *rows = out.strip().splitlines()
    assert header.split() == ["stream", "status", "fetched", "created", "updated", "deleted", "seconds"]
    assert [row.split()[0] for row in rows] == STREAM_NAMES
    assert all(row.split()[1] == "succeeded" for row in rows)
    tickets = next(row.split() for row in rows if row.startswith("zendesk.tickets"))
    assert int(tickets[2]) == synced.state.stats()["tickets"]


def test_it_exits_non_zero_naming_the_failed_stream_and_why_and_still_runs_the_others(
    synced, settings, capsys
):
    settings.ZENDESK_API_TOKEN = "not-the-token"
    with pytest.raises(CommandError) as raised:
        call_command(
            "sync", "--no-progress", "--stream", "zendesk.tickets", "--stream", "salesforce.accounts"
        )
    assert raised.value.returncode == 1
    assert "1 of 2 streams did not complete" in str(raised.value)
    assert "zendesk.tickets" in str(raised.value) and "credentials" in str(raised.value)
    assert SyncRun.objects.get(stream="salesforce.accounts").status == RunStatus.SUCCEEDED
    assert "failed" in capsys.readouterr().out


def test_it_says_when_a_source_does_not_answer_in_time(settings):
    settings.SANDBOX = True
    settings.SANDBOX_URL = "https://127.0.0.1:9"  # nothing listens there
    with pytest.raises(CommandError, match="zendesk did not answer within 1s"):
        call_command("sync", "--no-progress", "--stream", "zendesk.users", "--wait-for-source", "1")
    assert not SyncRun.objects.exists()


def test_a_full_run_reads_everything_again(synced, capsys):
    call_command("sync", "--no-progress", "--stream", "zendesk.organizations")
    call_command("sync", "--no-progress", "--stream", "zendesk.organizations", "--full")
    last = SyncRun.objects.filter(stream="zendesk.organizations").first()
    assert last.full and last.fetched == len(synced.state.world.orgs) and last.updated == 0
