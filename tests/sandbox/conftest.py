"""Sandbox tests: the fixtures come from the sandbox's pytest plugin (sandbox.testing)."""

import os
from collections.abc import Iterator

import pytest
import requests
from simple_salesforce import Salesforce
from zenpy import Zenpy

from sandbox.testing import SandboxHandle, make_sandbox, sandbox, sandbox_config  # noqa: F401


def zenpy_for(handle: SandboxHandle, monkeypatch: pytest.MonkeyPatch, **credentials: str) -> Zenpy:
    """The real zenpy client pointed at the sandbox (HTTPS, trusting its CA)."""
    for name, value in handle.zenpy_env().items():
        monkeypatch.setenv(name, value)
    creds = {**handle.zenpy_credentials(), **credentials}
    client = Zenpy(session=handle.session(), **creds)
    client.disable_caching()  # every call below must reach the sandbox
    return client


def salesforce_for(handle: SandboxHandle) -> Salesforce:
    """The real simple-salesforce client, logged in with OAuth client credentials."""
    session = handle.session()
    token = handle.salesforce_token(session)
    return Salesforce(session_id=token["access_token"], instance_url=token["instance_url"], session=session)


@pytest.fixture
def zenpy_client(sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> Zenpy:  # noqa: F811
    return zenpy_for(sandbox, monkeypatch)


@pytest.fixture
def sf(sandbox: SandboxHandle) -> Salesforce:  # noqa: F811
    return salesforce_for(sandbox)


@pytest.fixture
def zd(sandbox: SandboxHandle) -> Iterator[requests.Session]:  # noqa: F811
    """A plain requests session with Zendesk credentials, for raw JSON checks."""
    session = sandbox.zendesk_session()
    yield session
    session.close()


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sessions ignore the environment (trust_env = False); make sure nothing else leaks in.
    for name in ("ZENPY_FORCE_NETLOC", "ZENPY_FORCE_SCHEME"):
        if name in os.environ:
            monkeypatch.delenv(name)
