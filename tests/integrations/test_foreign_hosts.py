"""A URL a vendor API hands back gets the token only on the configured host: the Zendesk client
refuses a next_page elsewhere, the Salesforce client an instance_url that is not HTTPS on a
Salesforce domain. Against the real sandbox, with a second local HTTPS server standing in for
the foreign host and recording whatever reaches it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from integrations.errors import ForeignHost
from integrations.models import RunStatus, SyncRun, SyncState
from integrations.runner import run_stream
from integrations.salesforce import instance_url_allowed
from sandbox.tls import load_or_create_ca, server_context

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.requests: list[tuple[str, str, str]] = []  # (method, path, Authorization header)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def foreign(sandbox) -> Iterator[Recorder]:
    """An HTTPS server the sandbox's CA vouches for (so only the host check stops a client)."""
    recorder: Recorder

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recorder.requests.append(("GET", self.path, self.headers.get("Authorization", "")))
            body = json.dumps({"ticket_fields": [], "next_page": None, "records": [], "done": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = server_context(load_or_create_ca(sandbox.ca_path.parent), "127.0.0.1")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    recorder = Recorder(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()


def refused_run(stream: str) -> SyncRun:
    with pytest.raises(ForeignHost):
        run_stream(stream, may_wait=True)
    return SyncRun.objects.filter(stream=stream).latest("started_at")


def hand_out(sandbox, **urls: str | None) -> None:
    session = sandbox.zendesk_session()
    response = session.post(f"{sandbox.url}/_sandbox/foreign-urls", json=urls, timeout=10)
    response.raise_for_status()
    session.close()


def test_the_zendesk_client_refuses_a_next_page_on_another_host(synced, foreign):
    cache.delete(f"integrations:zendesk:region_field:{synced.url}")
    hand_out(synced, next_page=f"{foreign.url}/api/v2/ticket_fields.json?page=2")

    run = refused_run("zendesk.tickets")

    assert foreign.requests == []  # nothing, and so no token, reached the other host
    assert run.status == RunStatus.FAILED
    assert f"Refused to send the Zendesk credentials to {foreign.url}" in run.error
    assert "ZENDESK_SUBDOMAIN" in run.error  # the message says what to check
    assert SyncState.objects.get(stream="zendesk.tickets").last_error == run.error


def test_the_salesforce_client_refuses_an_instance_url_off_salesforce(synced, foreign):
    hand_out(synced, instance_url=foreign.url)

    run = refused_run("salesforce.accounts")

    assert foreign.requests == []
    assert run.status == RunStatus.FAILED
    assert f"instance_url {foreign.url}" in run.error and "SALESFORCE_LOGIN_URL" in run.error


def test_both_clients_sync_again_once_the_answers_name_the_right_hosts(synced, foreign):
    hand_out(synced, next_page=f"{foreign.url}/x", instance_url=foreign.url)
    assert refused_run("salesforce.accounts").status == RunStatus.FAILED
    hand_out(synced, next_page=None, instance_url=None)
    cache.delete(f"integrations:zendesk:region_field:{synced.url}")
    assert run_stream("salesforce.accounts", may_wait=True).status == RunStatus.SUCCEEDED
    assert run_stream("zendesk.organizations", may_wait=True).status == RunStatus.SUCCEEDED
    assert foreign.requests == []


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://acme.my.salesforce.com", True),
        ("https://acme--uat.sandbox.my.salesforce.com", True),
        ("https://na139.salesforce.com", True),
        ("https://acme.my.salesforce.mil", True),
        ("https://acme.lightning.force.com:443", True),
        ("http://acme.my.salesforce.com", False),  # the token never goes in clear text
        ("https://salesforce.com.evil.example", False),
        ("https://evilsalesforce.com", False),
        ("https://acme.my.salesforce.com@evil.example", False),
        ("https://127.0.0.1:9443", False),
        ("not a url", False),
        ("", False),
    ],
)
def test_which_instance_urls_get_the_token(url, allowed):
    assert instance_url_allowed(url) is allowed


def test_the_sandboxs_own_address_is_allowed_only_when_it_is_on():
    assert instance_url_allowed("https://127.0.0.1:9443", sandbox_urls=("https://127.0.0.1:9443",))
    assert not instance_url_allowed("https://127.0.0.1:9444", sandbox_urls=("https://127.0.0.1:9443",))
