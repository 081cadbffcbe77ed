"""Sandbox configuration: a plain dataclass, usable without Django settings."""

from __future__ import annotations

import dataclasses
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import instances as zd_instances
from .instances import GLOBAL, ZendeskInstance
from .schema import SCHEMAS

# Budget keys of --rate-limit. "incremental" covers /api/v2/incremental/..., "default" every
# other Zendesk API path, "salesforce" the Salesforce REST API (off unless given).
RATE_LIMIT_KEYS = ("incremental", "default", "salesforce")
DEFAULT_INCREMENTAL_BUDGET = (10, 60.0)


def parse_rate_limit(spec: str | None) -> dict[str, tuple[int, float]]:
    """Parse ``incremental=10/60,default=700/60`` into ``{key: (count, window_seconds)}``.

    An empty or missing spec means no limits. A spec without the ``incremental`` key gets
    Zendesk's documented 10 requests a minute for the incremental exports.
    """
    if not spec or not spec.strip():
        return {}
    budgets: dict[str, tuple[int, float]] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in RATE_LIMIT_KEYS:
            raise ValueError(
                f"bad rate-limit entry {part!r}: expected KEY=COUNT/SECONDS with KEY in "
                f"{', '.join(RATE_LIMIT_KEYS)}"
            )
        count_text, slash, window_text = value.partition("/")
        try:
            count = int(count_text)
            window = float(window_text) if slash else 60.0
        except ValueError:
            raise ValueError(f"bad rate-limit budget {value!r}: expected COUNT/SECONDS") from None
        if count < 1 or not (window > 0) or math.isinf(window):
            raise ValueError(f"bad rate-limit budget {value!r}: count >= 1 and seconds > 0")
        budgets[key] = (count, window)
    budgets.setdefault("incremental", DEFAULT_INCREMENTAL_BUDGET)
    return budgets


@dataclass
class SandboxConfig:
    """Everything the sandbox needs to run. All fields have demo-friendly defaults."""

    host: str = "127.0.0.1"
    port: int = 8443
    seed: int = 1
    accounts: int = 40
    tickets: int = 2000
    # Newest timestamp of the generated history (unix seconds). None: today, 00:00 UTC, so a
    # given seed gives the same data all day. Tests pin it for byte-for-byte determinism.
    anchor: int | None = None
    history_days: int = 365
    # Credentials the sandbox accepts (and nothing else).
    zendesk_subdomain: str = "example"
    zendesk_email: str = "portal@example.com"
    zendesk_api_token: str = "sandbox-zendesk-token"
    # The signing secret of every webhook created through the sandbox's API (until reset).
    webhook_secret: str = "sandbox-webhook-secret"
    sf_client_id: str = "sandbox-client"
    sf_client_secret: str = "sandbox-client-secret"
    gitlab_token: str = "sandbox-gitlab-token"
    session_ttl_seconds: float = 7200.0
    # Records per SOQL page (Salesforce: 2000; clients may ask for less with batchSize).
    sf_page_size: int = 2000
    # The org's daily API request limit (/limits reports what is left of it).
    sf_daily_api_requests: int = 100_000
    # Faults: the share of API requests answered with an injected fault (0..1).
    faults: float = 0.0
    fault_kinds: tuple[str, ...] = ("429", "500", "502", "503", "504", "reset", "slow")
    slow_seconds: float = 1.5
    retry_after_seconds: int = 1
    rate_limit: dict[str, tuple[int, float]] = field(default_factory=dict)
    # Webhook delivery: attempts and the pause before each retry (seconds).
    webhook_attempts: int = 3
    webhook_backoff: float = 0.5
    # Custom field names: "default" (the portal's defaults) or "renamed" (another company's
    # org and instance: see sandbox/schema.py).
    schema: str = "default"
    # Zendesk applies SLA policies (tickets carry `slas` metrics); off: an account without them.
    sla_policies: bool = True
    # Where the CA is written: <var_dir>/sandbox/ca.pem.
    var_dir: Path = field(default_factory=lambda: Path("var"))
    # Zendesk instances beside "global" (the fields above): see sandbox/instances.py. A dict
    # ({"usgov": {"tickets": 50}}) or a list of dicts is accepted too.
    extra_instances: tuple[ZendeskInstance, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.rate_limit, str):
            self.rate_limit = parse_rate_limit(self.rate_limit)
        self.var_dir = Path(self.var_dir)
        if not 0.0 <= float(self.faults) <= 1.0:
            raise ValueError("faults must be between 0 and 1")
        if self.schema not in SCHEMAS:
            raise ValueError(f"schema must be one of {', '.join(SCHEMAS)}")
        if self.accounts < 1 or self.tickets < 0:
            raise ValueError("accounts must be >= 1 and tickets >= 0")
        self.extra_instances = zd_instances.coerce(self.extra_instances)
        if any(inst.key == GLOBAL for inst in self.extra_instances):
            raise ValueError("'global' is the sandbox's own Zendesk fields, not an extra instance")
        zd_instances.check_distinct(self.instances)

    @property
    def instances(self) -> tuple[ZendeskInstance, ...]:
        """Every Zendesk instance, ``global`` first, with their data fields resolved."""
        first = ZendeskInstance(
            key=GLOBAL,
            subdomain=self.zendesk_subdomain,
            email=self.zendesk_email,
            token=self.zendesk_api_token,
            webhook_secret=self.webhook_secret,
            seed=self.seed,
            tickets=self.tickets,
            accounts=self.accounts,
            rate_limit=self.rate_limit,
        )
        resolved = [first]
        for n, inst in enumerate(self.extra_instances, start=1):
            resolved.append(
                dataclasses.replace(
                    inst,
                    seed=self.seed + 1000 * n if inst.seed is None else inst.seed,
                    tickets=self.tickets // 4 if inst.tickets is None else inst.tickets,
                    accounts=max(2, self.accounts // 5) if inst.accounts is None else inst.accounts,
                    rate_limit=self.rate_limit if inst.rate_limit is None else dict(inst.rate_limit),
                )
            )
        return tuple(resolved)

    def instance(self, key: str) -> ZendeskInstance:
        """The instance ``key`` (resolved); ValueError naming the configured ones otherwise."""
        for inst in self.instances:
            if inst.key == key:
                return inst
        known = ", ".join(i.key for i in self.instances)
        raise ValueError(f"no Zendesk instance {key!r} (configured: {known})")

    def for_instance(self, key: str) -> SandboxConfig:
        """This config as one instance sees it: its credentials, secret and data sizes."""
        if key == GLOBAL:
            return self
        inst = self.instance(key)
        return self.replace(
            zendesk_subdomain=inst.subdomain,
            zendesk_email=inst.email,
            zendesk_api_token=inst.token,
            webhook_secret=inst.webhook_secret,
            seed=inst.seed,
            tickets=inst.tickets,
            accounts=inst.accounts,
            rate_limit=dict(inst.rate_limit or {}),
            schema=inst.schema or self.schema,
            extra_instances=(),
        )

    @property
    def anchor_ts(self) -> int:
        if self.anchor is not None:
            return int(self.anchor)
        return int(time.time()) // 86400 * 86400

    @property
    def ca_dir(self) -> Path:
        return self.var_dir / "sandbox"

    @property
    def ca_path(self) -> Path:
        return self.ca_dir / "ca.pem"

    def replace(self, **changes: Any) -> SandboxConfig:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_django_settings(cls, **overrides: Any) -> SandboxConfig:
        """Build a config from the portal's settings (credentials, SANDBOX_URL, VAR_DIR) and
        the instances of ``ZENDESK_INSTANCES`` (settings, else the environment)."""
        from django.conf import settings

        def pick(name: str, default: Any) -> Any:
            value = getattr(settings, name, None)
            return value if value not in (None, "") else default

        def variable(name: str) -> Any:
            value = getattr(settings, name, None)
            return value if value not in (None, "") else os.environ.get(name)

        base = cls()
        url = urlsplit(pick("SANDBOX_URL", "https://127.0.0.1:8443"))
        values: dict[str, Any] = {
            "host": url.hostname or base.host,
            "port": url.port or 443,
            "zendesk_subdomain": pick("ZENDESK_SUBDOMAIN", base.zendesk_subdomain),
            "zendesk_email": pick("ZENDESK_EMAIL", base.zendesk_email),
            "zendesk_api_token": pick("ZENDESK_API_TOKEN", base.zendesk_api_token),
            "webhook_secret": pick("ZENDESK_WEBHOOK_SECRET", base.webhook_secret),
            "sf_client_id": pick("SALESFORCE_CLIENT_ID", base.sf_client_id),
            "sf_client_secret": pick("SALESFORCE_CLIENT_SECRET", base.sf_client_secret),
            "gitlab_token": pick("GITLAB_TOKEN", base.gitlab_token),
            "var_dir": Path(pick("VAR_DIR", Path(settings.BASE_DIR) / "var")),
            "extra_instances": zd_instances.from_variables(variable),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
