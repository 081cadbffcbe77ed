"""The management commands: `sandbox` builds its config from settings, `sandbox_ticket` uses the API."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sandbox.management.commands.sandbox import build_config
from tests.sandbox.test_webhooks import Receiver


@pytest.fixture
def pointed_at(settings):
    def point(handle):
        for name, value in handle.settings().items():
            setattr(settings, name, value)
        return handle

    return point


def test_sandbox_command_reads_settings_and_flags(settings, tmp_path):
    settings.SANDBOX_URL = "https://127.0.0.1:9443"
    settings.ZENDESK_API_TOKEN = "token-from-settings"
    settings.SALESFORCE_CLIENT_SECRET = "secret-from-settings"
    settings.VAR_DIR = tmp_path
    config = build_config({"accounts": 12, "rate_limit": "default=100/60", "faults": 0.1, "seed": None})
    assert (config.host, config.port) == ("127.0.0.1", 9443)
    assert config.zendesk_api_token == "token-from-settings"
    assert config.sf_client_secret == "secret-from-settings"
    assert config.accounts == 12 and config.tickets == 2000 and config.faults == 0.1
    assert config.rate_limit == {"default": (100, 60.0), "incremental": (10, 60.0)}
    assert config.ca_path == tmp_path / "sandbox" / "ca.pem"
    with pytest.raises(CommandError):
        build_config({"rate_limit": "nonsense"})


def test_sandbox_ticket_opens_a_ticket_through_the_api_and_the_webhook_fires(make_sandbox, pointed_at):
    receiver = Receiver()
    try:
        handle = pointed_at(make_sandbox())
        handle.install_webhook(receiver.url)
        org = handle.state.world.orgs[2]
        out = io.StringIO()
        call_command(
            "sandbox_ticket",
            "--org",
            org["name"],
            "--priority",
            "high",
            "--subject",
            "Runner down",
            stdout=out,
        )
        assert "opened for" in out.getvalue()
        ticket = handle.state.ticket(handle.config.tickets + 1)
        assert ticket["subject"] == "Runner down" and ticket["organization_id"] == org["id"]
        assert ticket["requester_id"] in handle.state.world.org_members[org["id"]]
        assert handle.wait_for_webhooks() and receiver.arrived.wait(5)
        assert json.loads(receiver.received[0][1]) == {"ticket_id": str(ticket["id"])}
        call_command(
            "sandbox_ticket",
            "--org",
            str(org["id"]),
            "--requester",
            "new.person@example.org",
            stdout=io.StringIO(),
        )
        assert handle.state.user_by_email("new.person@example.org") is not None
        with pytest.raises(CommandError):
            call_command("sandbox_ticket", "--org", "No Such Org", stdout=io.StringIO())
    finally:
        receiver.close()
