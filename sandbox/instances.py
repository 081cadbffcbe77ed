"""More than one Zendesk instance in one sandbox: their configuration.

The instance ``global`` is the sandbox's own Zendesk fields (``zendesk_subdomain``,
``zendesk_email``, ``zendesk_api_token``, ``webhook_secret``, ``seed``, ``tickets``,
``accounts``). Every other instance is a ``ZendeskInstance`` in ``SandboxConfig.extra_instances``:
its own subdomain, credentials, webhook secret and generated data, beside the one shared
Salesforce. The portal's variables configure both: ``ZENDESK_INSTANCES=global,usgov`` and
``ZENDESK_USGOV_SUBDOMAIN``, ``_EMAIL``, ``_API_TOKEN``, ``_WEBHOOK_SECRET``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .schema import SCHEMAS

GLOBAL = "global"
KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,31}\Z")
# Fields of a ZendeskInstance that only the portal reads (passed on by the test handle).
PORTAL_ONLY = ("name", "restricted", "tracker_project")


@dataclass(frozen=True)
class ZendeskInstance:
    """One Zendesk instance. Data fields left None are derived from the sandbox's own:
    seed (the sandbox's seed + 1000 per position), tickets (a quarter), accounts (a fifth,
    at least 2: Salesforce accounts only this instance has an organization for)."""

    key: str
    subdomain: str = ""
    email: str = ""
    token: str = ""
    webhook_secret: str = ""
    seed: int | None = None
    tickets: int | None = None
    accounts: int | None = None
    # Share of the first instance's accounts (those with an org there) that get an org here too.
    shared_accounts: float = 0.3
    # None: the sandbox's own --rate-limit budgets.
    rate_limit: Mapping[str, tuple[int, float]] | None = None
    # Its custom field names (sandbox/schema.py): None, the sandbox's own --schema; "renamed"
    # gives this instance other organization field keys and ticket field title than the others.
    schema: str | None = None
    # Only for the portal's settings (the test handle passes them on): ZENDESK_<KEY>_NAME, ...
    name: str = ""
    restricted: bool = False
    tracker_project: str = ""

    def __post_init__(self) -> None:
        if not KEY_RE.match(self.key or ""):
            raise ValueError(
                f"bad Zendesk instance key {self.key!r}: lower-case letters, digits and _, "
                "starting with a letter"
            )
        defaults = default_credentials(self.key)
        for name, value in defaults.items():
            if not getattr(self, name):
                object.__setattr__(self, name, value)
        if not 0.0 <= float(self.shared_accounts) <= 1.0:
            raise ValueError(f"instance {self.key}: shared_accounts must be between 0 and 1")
        if self.tickets is not None and self.tickets < 0:
            raise ValueError(f"instance {self.key}: tickets must be >= 0")
        if self.accounts is not None and self.accounts < 1:
            raise ValueError(f"instance {self.key}: accounts must be >= 1")
        if self.schema is not None and self.schema not in SCHEMAS:
            raise ValueError(f"instance {self.key}: schema must be one of {', '.join(SCHEMAS)}")

    @property
    def env_prefix(self) -> str:
        return "ZENDESK_" if self.key == GLOBAL else f"ZENDESK_{self.key.upper()}_"

    def settings(self) -> dict[str, str]:
        """The portal's variables for this instance (all strings: settings or environment)."""
        p = self.env_prefix
        values = {
            f"{p}SUBDOMAIN": self.subdomain,
            f"{p}EMAIL": self.email,
            f"{p}API_TOKEN": self.token,
            f"{p}WEBHOOK_SECRET": self.webhook_secret,
        }
        if self.key != GLOBAL:
            values[f"{p}RESTRICTED"] = "true" if self.restricted else "false"
            if self.name:
                values[f"{p}NAME"] = self.name
            if self.tracker_project:
                values[f"{p}TRACKER_PROJECT"] = self.tracker_project
        return values


def default_credentials(key: str) -> dict[str, str]:
    """The sandbox's defaults for an instance's subdomain and credentials."""
    if key == GLOBAL:
        return {
            "subdomain": "example",
            "email": "portal@example.com",
            "token": "sandbox-zendesk-token",
            "webhook_secret": "sandbox-webhook-secret",
        }
    slug = key.replace("_", "-")
    return {
        "subdomain": f"example-{slug}",
        "email": f"{slug}-portal@example.com",
        "token": f"sandbox-{slug}-token",
        "webhook_secret": f"sandbox-{slug}-webhook-secret",
    }


def parse_keys(value: Any) -> list[str]:
    """``"global, usgov"`` -> ``["global", "usgov"]``; empty or None: ``["global"]``. A list of
    keys (or of objects or dicts with a ``key``) or a dict by key is read the same way, should
    the portal's settings hold the parsed form."""
    if isinstance(value, Mapping):
        value = list(value)
    if isinstance(value, list | tuple):
        value = ",".join(str(_key_of(v)) for v in value)
    keys: list[str] = []
    for part in str(value or "").split(","):
        key = part.strip().lower()
        if not key:
            continue
        if not KEY_RE.match(key):
            raise ValueError(f"bad ZENDESK_INSTANCES entry {part.strip()!r}: expected keys like global,usgov")
        if key in keys:
            raise ValueError(f"ZENDESK_INSTANCES names {key!r} twice")
        keys.append(key)
    return keys or [GLOBAL]


def _key_of(item: Any) -> Any:
    if isinstance(item, Mapping):
        return item.get("key", "")
    return getattr(item, "key", item)


def from_variables(lookup: Callable[[str], Any]) -> tuple[ZendeskInstance, ...]:
    """The instances other than ``global`` named by ``ZENDESK_INSTANCES``, each from its
    ``ZENDESK_<KEY>_*`` variables (``lookup(name)``: a value, or None/"" when unset)."""
    extra = []
    for key in parse_keys(lookup("ZENDESK_INSTANCES")):
        if key == GLOBAL:
            continue
        p = f"ZENDESK_{key.upper()}_"

        def text(name: str, p: str = p) -> str:
            value = lookup(p + name)
            return "" if value is None else str(value).strip()

        extra.append(
            ZendeskInstance(
                key=key,
                subdomain=text("SUBDOMAIN"),
                email=text("EMAIL"),
                token=text("API_TOKEN"),
                webhook_secret=text("WEBHOOK_SECRET"),
                name=text("NAME"),
                restricted=text("RESTRICTED").lower() in ("1", "true", "yes", "on"),
                tracker_project=text("TRACKER_PROJECT"),
            )
        )
    return tuple(extra)


def coerce(value: Any) -> tuple[ZendeskInstance, ...]:
    """Extra instances given as ZendeskInstance objects, a list of dicts or ``{key: {...}}``."""
    if not value:
        return ()
    if isinstance(value, Mapping):
        items: Iterable[Any] = [dict(fields or {}, key=key) for key, fields in value.items()]
    else:
        items = value
    out = []
    for item in items:
        if isinstance(item, ZendeskInstance):
            out.append(item)
        elif isinstance(item, Mapping):
            out.append(ZendeskInstance(**item))
        else:
            raise ValueError(f"bad Zendesk instance {item!r}: expected a ZendeskInstance or a dict")
    return tuple(out)


def check_distinct(instances: Iterable[ZendeskInstance]) -> None:
    """Keys, subdomains and credentials must differ: the sandbox tells instances apart by them."""
    seen: dict[str, set] = {"key": set(), "subdomain": set(), "credentials": set()}
    for inst in instances:
        for what, value in (
            ("key", inst.key),
            ("subdomain", inst.subdomain.lower()),
            ("credentials", (inst.email.lower(), inst.token)),
        ):
            if value in seen[what]:
                shown = value if what != "credentials" else inst.email
                raise ValueError(f"two Zendesk instances share the {what} {shown!r}: each needs its own")
            seen[what].add(value)
