"""pytest plugin: a running sandbox for tests (``pytest_plugins = ["sandbox.testing"]``).

``run_sandbox(config)`` is a context manager usable anywhere (benchmarks too). Fixtures:
``sandbox`` (a small deterministic dataset, started per test in tens of milliseconds) and
``make_sandbox(**overrides)`` (a factory; every sandbox it made is stopped after the test).

More than one Zendesk instance: ``make_sandbox(instances={"usgov": {"tickets": 50}})`` (any
``ZendeskInstance`` field); the handle's helpers take ``instance="usgov"`` and ``settings()``
/ ``env()`` then carry ``ZENDESK_INSTANCES`` and every ``ZENDESK_<KEY>_*`` variable.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from .config import SandboxConfig
from .instances import GLOBAL
from .server import SandboxServer
from .state import State
from .zdinstance import Instance

# Small and fixed: 8 accounts, 120 tickets, history ending 2026-01-01 00:00 UTC.
TEST_DEFAULTS: dict[str, Any] = {"seed": 7, "accounts": 8, "tickets": 120, "anchor": 1_767_225_600}

__all__ = ["TEST_DEFAULTS", "SandboxHandle", "make_sandbox", "run_sandbox", "sandbox", "sandbox_config"]


@dataclass
class SandboxHandle:
    """A running sandbox. ``state`` is its live data (inspect or change it directly)."""

    url: str
    netloc: str
    ca_path: Path
    config: SandboxConfig
    state: State
    server: SandboxServer = field(repr=False)

    def stop(self) -> None:
        self.server.stop()

    @property
    def instances(self) -> tuple[str, ...]:
        """The Zendesk instances' keys, ``global`` first."""
        return tuple(self.server.instances)

    def instance(self, key: str = GLOBAL) -> Instance:
        """One Zendesk instance: ``key``, ``config`` (its credentials and data sizes), ``state``
        (its live data), ``zd_webhooks``, ``zd_triggers``, ``webhooks`` (its sender)."""
        try:
            return self.server.instances[key]
        except KeyError:
            known = ", ".join(self.instances)
            raise ValueError(f"no Zendesk instance {key!r} (configured: {known})") from None

    @property
    def gitlab(self):
        """The sandbox's GitLab (projects, issues, notes): act on issues as people would."""
        return self.server.gitlab

    # -- client helpers --------------------------------------------------------------------
    def zenpy_env(self) -> dict[str, str]:
        """Environment variables that point zenpy at the sandbox."""
        return {"ZENPY_FORCE_NETLOC": self.netloc, "ZENPY_FORCE_SCHEME": "https"}

    def session(self) -> requests.Session:
        """A requests session that trusts the sandbox's CA and ignores proxy/CA env vars."""
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.ca_path)
        return session

    def zendesk_session(self, instance: str = GLOBAL) -> requests.Session:
        """``session()`` with an instance's Zendesk basic auth (email/token)."""
        config = self.instance(instance).config
        session = self.session()
        session.auth = (f"{config.zendesk_email}/token", config.zendesk_api_token)
        return session

    def zenpy_credentials(self, instance: str = GLOBAL) -> dict[str, str]:
        config = self.instance(instance).config
        return {
            "subdomain": config.zendesk_subdomain,
            "email": config.zendesk_email,
            "token": config.zendesk_api_token,
        }

    def salesforce_token(self, session: requests.Session | None = None) -> dict:
        """Log in with OAuth client credentials; returns the token response."""
        session = session or self.session()
        response = session.post(
            f"{self.url}/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.config.sf_client_id,
                "client_secret": self.config.sf_client_secret,
            },
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def settings(self) -> dict[str, Any]:
        """Django settings that point the portal at this sandbox (for ``settings`` overrides)."""
        c = self.config
        return {
            "SANDBOX": True,
            "SANDBOX_URL": self.url,
            "SALESFORCE_LOGIN_URL": self.url,
            "ZENDESK_SUBDOMAIN": c.zendesk_subdomain,
            "ZENDESK_EMAIL": c.zendesk_email,
            "ZENDESK_API_TOKEN": c.zendesk_api_token,
            "ZENDESK_WEBHOOK_SECRET": c.webhook_secret,
            "SALESFORCE_CLIENT_ID": c.sf_client_id,
            "SALESFORCE_CLIENT_SECRET": c.sf_client_secret,
            "GITLAB_API_URL": self.url,
            "GITLAB_TOKEN": c.gitlab_token,
            "VAR_DIR": c.var_dir,
            **self.instance_settings(),
        }

    def instance_settings(self) -> dict[str, str]:
        """With more than one instance: ``ZENDESK_INSTANCES`` and each other instance's
        ``ZENDESK_<KEY>_*`` variables (strings); nothing with one instance."""
        extra = self.config.instances[1:]
        if not extra:
            return {}
        values = {"ZENDESK_INSTANCES": ",".join(i.key for i in self.config.instances)}
        for inst in extra:
            values.update(inst.settings())
        return values

    def env(self) -> dict[str, str]:
        """``settings()`` as environment variables (strings), for a subprocess."""
        values = self.settings()
        values["SANDBOX"] = "true"
        return {name: str(value) for name, value in values.items()}

    def install_webhook(
        self,
        endpoint: str,
        body: str = '{"ticket_id": "{{ticket.id}}"}',
        instance: str = GLOBAL,
        **webhook: Any,
    ) -> dict[str, dict]:
        """Create, through the sandbox's Zendesk API (as ``instance``), a webhook to ``endpoint``
        and a trigger "ticket is created -> notify it" sending ``body``: what an admin does in
        Zendesk (the portal's own ``zendesk_webhook install`` does the same with zenpy). Returns
        both."""
        session = self.zendesk_session(instance)
        fields = {
            "name": "Test webhook",
            "endpoint": endpoint,
            "http_method": "POST",
            "request_format": "json",
            "status": "active",
            "subscriptions": ["conditional_ticket_events"],
            **webhook,
        }
        with session:
            created = session.post(f"{self.url}/api/v2/webhooks", json={"webhook": fields}, timeout=10)
            created.raise_for_status()
            hook = created.json()["webhook"]
            trigger = {
                "title": f"Notify {hook['name']}",
                "conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}]},
                "actions": [{"field": "notification_webhook", "value": [hook["id"], body]}],
            }
            answer = session.post(f"{self.url}/api/v2/triggers", json={"trigger": trigger}, timeout=10)
            answer.raise_for_status()
        return {"webhook": hook, "trigger": answer.json()["trigger"]}

    def wait_for_webhooks(self, timeout: float = 10.0) -> bool:
        """Block until every instance's queued webhook deliveries are done."""
        deadline = time.monotonic() + timeout
        senders = [inst.webhooks for inst in self.server.instances.values()]
        return all(sender.wait(max(0.0, deadline - time.monotonic())) for sender in senders)


@contextlib.contextmanager
def run_sandbox(config: SandboxConfig | None = None, **overrides: Any) -> Iterator[SandboxHandle]:
    """Start a sandbox on a free port (``config.port`` is ignored) in a background thread.
    ``instances={"usgov": {...}}`` is ``extra_instances``."""
    if "instances" in overrides:
        overrides["extra_instances"] = overrides.pop("instances")
    config = (config or SandboxConfig(**TEST_DEFAULTS)).replace(port=0, **overrides)
    server = SandboxServer(config)
    server.start()
    handle = SandboxHandle(server.url, server.netloc, server.ca_path, config, server.state, server)
    try:
        yield handle
    finally:
        server.stop()


@pytest.fixture
def sandbox_config(tmp_path_factory: pytest.TempPathFactory) -> SandboxConfig:
    """The config of the ``sandbox`` fixture (override this fixture to change it)."""
    return SandboxConfig(**TEST_DEFAULTS, var_dir=tmp_path_factory.mktemp("sandbox-var"))


@pytest.fixture
def sandbox(sandbox_config: SandboxConfig) -> Iterator[SandboxHandle]:
    """A running sandbox with a small deterministic dataset."""
    with run_sandbox(sandbox_config) as handle:
        yield handle


@pytest.fixture
def make_sandbox(sandbox_config: SandboxConfig) -> Iterator[Callable[..., SandboxHandle]]:
    """``make_sandbox(**config_overrides)`` starts another sandbox (stopped after the test);
    ``instances={"usgov": {"tickets": 50}}`` adds Zendesk instances."""
    stack = contextlib.ExitStack()

    def make(**overrides: Any) -> SandboxHandle:
        return stack.enter_context(run_sandbox(sandbox_config, **overrides))

    with stack:
        yield make
