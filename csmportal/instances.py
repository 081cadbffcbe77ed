"""The Zendesk instances the portal mirrors (docs/instances.md).

A company can run more than one Zendesk: the instance ``global`` is configured by today's
single-instance variables (``ZENDESK_SUBDOMAIN``, ``ZENDESK_EMAIL``, ``ZENDESK_API_TOKEN``,
``ZENDESK_WEBHOOK_SECRET``, ``ZENDESK_RATE_LIMIT``, ``GITLAB_ORGS_PROJECT``); each further key
in ``ZENDESK_INSTANCES`` (``global,usgov``) by ``ZENDESK_<KEY>_*`` variables, parsed once in
the settings into ``ZENDESK_EXTRA_INSTANCES``. The global instance is read from the settings
on every call, so a settings override (tests, a management command) is seen at once.

Every Zendesk-keyed row carries its instance's key in ``zd_instance``; keys are unique per
instance. A restricted instance's data is seen only by people an admin has cleared for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Q, QuerySet, Value, When

GLOBAL = "global"
KEY = re.compile(r"^[a-z][a-z0-9]{0,19}$")  # stored in zd_instance (max_length 20) and in URLs


@dataclass(frozen=True)
class Instance:
    key: str
    name: str
    subdomain: str
    email: str
    api_token: str
    webhook_secret: str
    restricted: bool
    tracker_project: str
    rate_limit: str

    @property
    def host(self) -> str:
        """The host people open this instance's agent pages on."""
        return f"{self.subdomain}.zendesk.com"


def _global() -> Instance:
    return Instance(
        key=GLOBAL,
        name=getattr(settings, "ZENDESK_GLOBAL_NAME", "") or "Global",
        subdomain=settings.ZENDESK_SUBDOMAIN,
        email=settings.ZENDESK_EMAIL or "",
        api_token=settings.ZENDESK_API_TOKEN or "",
        webhook_secret=settings.ZENDESK_WEBHOOK_SECRET or "",
        restricted=False,
        tracker_project=settings.GITLAB_ORGS_PROJECT,
        rate_limit=settings.ZENDESK_RATE_LIMIT,
    )


def all_instances() -> list[Instance]:
    """Every configured instance, ``global`` first."""
    extra = getattr(settings, "ZENDESK_EXTRA_INSTANCES", {}) or {}
    return [_global()] + [Instance(key=key, **values) for key, values in extra.items()]


def keys() -> list[str]:
    return [instance.key for instance in all_instances()]


def get(key: str) -> Instance:
    """The instance with this key; KeyError when none is configured."""
    for instance in all_instances():
        if instance.key == key:
            return instance
    raise KeyError(key)


def is_multi() -> bool:
    """More than one instance configured: pages show an instance column and filter."""
    return bool(getattr(settings, "ZENDESK_EXTRA_INSTANCES", None))


def labels() -> dict[str, str]:
    """Each configured instance's name by key where more than one is configured, else ``{}``:
    what the lists' "Instance" column and CSV column print (docs/instances.md, Lists). Empty
    means no column, so a deployment with one instance looks as before."""
    if not is_multi():
        return {}
    return {instance.key: instance.name for instance in all_instances()}


def label(names: dict[str, str], key: str | None) -> str:
    """A row's instance as ``labels()`` names it: an instance no longer configured by its key,
    a row about no instance (an account's event) empty."""
    return names.get(key, key) if key else ""


def restricted_keys() -> frozenset[str]:
    return frozenset(instance.key for instance in all_instances() if instance.restricted)


def from_env(
    read: Callable[..., Any], secret: Callable[..., Any], sandbox: bool, global_defaults: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """``ZENDESK_EXTRA_INSTANCES`` for the settings: every key of ``ZENDESK_INSTANCES`` but
    ``global``, from its ``ZENDESK_<KEY>_*`` variables. ``read(name, default)`` reads a plain
    variable, ``secret(name, default)`` a secret (or its ``_FILE``)."""
    listed = [part.strip() for part in read("ZENDESK_INSTANCES", "").split(",") if part.strip()]
    if listed and GLOBAL not in listed:
        raise ImproperlyConfigured(
            "ZENDESK_INSTANCES must include 'global' (the instance today's ZENDESK_* variables configure)."
        )
    extra: dict[str, dict[str, Any]] = {}
    for key in listed:
        if key == GLOBAL:
            continue
        if not KEY.match(key):
            raise ImproperlyConfigured(
                f"ZENDESK_INSTANCES: {key!r} is not a valid instance key (lower-case letters and digits, "
                "starting with a letter, at most 20)."
            )
        if key in extra:
            raise ImproperlyConfigured(f"ZENDESK_INSTANCES names {key!r} twice.")
        prefix = f"ZENDESK_{key.upper()}_"
        # With SANDBOX on, unset credentials default to the sandbox's for this instance.
        fallback = (lambda value: value) if sandbox else (lambda value: "")
        subdomain = read(prefix + "SUBDOMAIN", f"example-{key}" if sandbox else "")
        if not subdomain:
            raise ImproperlyConfigured(f"Set {prefix}SUBDOMAIN: the instance {key!r} has no subdomain.")
        extra[key] = {
            "name": read(prefix + "NAME", "") or key.upper(),
            "subdomain": subdomain,
            "email": read(prefix + "EMAIL", fallback(f"{key}-portal@example.com")),
            "api_token": secret(prefix + "API_TOKEN", fallback(f"sandbox-{key}-token")) or "",
            "webhook_secret": (
                secret(prefix + "WEBHOOK_SECRET", fallback(f"sandbox-{key}-webhook-secret")) or ""
            ),
            "restricted": read(prefix + "RESTRICTED", "false").strip().lower() in ("1", "true", "yes", "on"),
            "tracker_project": read(prefix + "TRACKER_PROJECT", "")
            or global_defaults["tracker_project"].replace("zendesk-global", f"zendesk-{key}"),
            "rate_limit": read(prefix + "RATE_LIMIT", global_defaults["rate_limit"]),
        }
    return extra


def visible_keys(user: Any) -> frozenset[str]:
    """The instances whose data ``user`` may see: every unrestricted one, and the restricted
    ones an admin cleared them for. Cached on the user object for the request."""
    cached = getattr(user, "_visible_instances", None)
    if cached is not None:
        return cached
    configured = all_instances()
    open_keys = {i.key for i in configured if not i.restricted}
    restricted = {i.key for i in configured if i.restricted}
    cleared: set[str] = set()
    if restricted and getattr(user, "is_authenticated", False):
        from users.models import Clearance

        cleared = set(
            Clearance.objects.filter(user=user, instance__in=restricted).values_list("instance", flat=True)
        )
    result = frozenset(open_keys | cleared)
    if user is not None:
        with suppress(AttributeError):  # AnonymousUser and the like
            user._visible_instances = result
    return result


def hidden_keys(user: Any) -> frozenset[str]:
    """The restricted instances ``user`` is not cleared for (empty for most deployments)."""
    return frozenset(i.key for i in all_instances() if i.restricted) - visible_keys(user)


def hidden_q(user: Any, field: str = "zd_instance") -> Q:
    """A condition keeping only rows ``user`` may see, by the instance in ``field`` (a column
    or a path through relations: ``ticket__zd_instance``). For filtered aggregates and
    subqueries; an empty ``Q()`` (nothing added to the SQL) when nothing is hidden."""
    hidden = hidden_keys(user)
    if not hidden:
        return Q()
    return ~Q(**{f"{field}__in": sorted(hidden)})


_QS = TypeVar("_QS", bound=QuerySet[Any, Any])


def hide(queryset: _QS, user: Any, field: str = "zd_instance") -> _QS:
    """The access rule (docs/instances.md, Access): ``queryset`` without the rows of the
    restricted instances ``user`` is not cleared for. ``field`` names the instance column, or a
    path to it through relations (``ticket__zd_instance``: a row with no ticket stays). Returns
    ``queryset`` itself, no query and no SQL added, when nothing is hidden from ``user``."""
    hidden = hidden_keys(user)
    if not hidden:
        return queryset
    return queryset.exclude(**{f"{field}__in": sorted(hidden)})


def may_see(user: Any, instance_key: str) -> bool:
    """Whether ``user`` may see a row of the instance ``instance_key`` (a single object's page)."""
    return instance_key not in hidden_keys(user)


def global_first(field: str = "zd_instance") -> list[Any]:
    """An ``order_by`` for a number that can be several instances' row (ticket 1854 in each):
    the global instance's first, then by instance key."""
    return [Case(When(**{field: GLOBAL}, then=Value(0)), default=Value(1)), field]


class VisibleQuerySet(QuerySet):
    """A queryset of a Zendesk-keyed model (one with ``zd_instance``): ``.visible_to(user)``."""

    def visible_to(self, user: Any) -> Self:
        """The rows ``user`` may see (``hide``): no change when nothing is hidden from them."""
        return hide(self, user)
