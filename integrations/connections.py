"""The connection check: can the portal sync this company's Zendesk and Salesforce as configured?

Run by ``python manage.py connections check`` (exits non-zero on any error, so it can gate a
deploy) and by the Connections page. Every check says ok, warning or error; a warning or an
error also says what to do, in one sentence.

Each Zendesk instance (``csmportal.instances``) is checked on its own, with its own client,
variables, webhook address and secret; with more than one, a check's source names the
instance ("Zendesk (US Government)"), and one instance that cannot be reached never stops
the others' checks.
"""

from __future__ import annotations

import hmac
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from csmportal import instances
from csmportal.instances import GLOBAL, Instance

from . import discovery
from .errors import SyncError
from .mapping import FIELDS, SALESFORCE, ZENDESK

OK, WARNING, ERROR = "ok", "warning", "error"
LAST_KEY = "integrations:connections:last"
EXPORT_PAGE = 1000


@dataclass
class Check:
    source: str  # Zendesk | Salesforce
    name: str
    status: str
    detail: str
    fix: str = ""


@dataclass
class Result:
    checks: list[Check] = field(default_factory=list)
    fields: list[discovery.FieldReport] = field(default_factory=list)
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def errors(self) -> int:
        return sum(1 for c in self.checks if c.status == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for c in self.checks if c.status == WARNING)


def webhook_url(instance: str = GLOBAL) -> str:
    """The address an instance's webhook must point at."""
    if instance == GLOBAL:
        return f"{settings.SITE_URL}{reverse('integrations:zendesk_webhook')}"
    path = reverse("integrations:zendesk_webhook_instance", kwargs={"instance": instance})
    return f"{settings.SITE_URL}{path}"


def source_label(instance: Instance) -> str:
    """ "Zendesk" with one instance; "Zendesk (<its name>)" with more."""
    return f"Zendesk ({instance.name})" if instances.is_multi() else "Zendesk"


def _var(instance: Instance, name: str) -> str:
    return f"ZENDESK_{name}" if instance.key == GLOBAL else f"ZENDESK_{instance.key.upper()}_{name}"


# -- Zendesk ---------------------------------------------------------------------------------
def check_zendesk(
    client: Any, reports: list[discovery.FieldReport], instance: Instance | None = None
) -> list[Check]:
    """One instance's checks (the global instance's unless told)."""
    instance = instance or instances.get(GLOBAL)
    z = source_label(instance)
    me = client.probe("users/me.json")
    if me.status_code in (401, 403):
        fix = (
            f"Set {_var(instance, 'EMAIL')} and {_var(instance, 'API_TOKEN')} to an active API token "
            "of an admin of this instance."
        )
        return [Check(z, "Credentials", ERROR, f"Zendesk refused the credentials ({me.status_code}).", fix)]
    if me.status_code != 200:
        fix = f"Check {_var(instance, 'SUBDOMAIN')} ({instance.subdomain}): is it this company's instance?"
        return [Check(z, "Credentials", ERROR, f"Zendesk answered {me.status_code} for the API user.", fix)]
    user = (me.json() or {}).get("user") or {}
    checks = [
        Check(z, "Credentials", OK, f"Signed in as {user.get('email', '?')} ({user.get('role', '?')}).")
    ]
    checks.append(_incremental(client, z))
    checks += _field_checks(z, [r for r in reports if r.field.source == ZENDESK])
    checks.append(_rate_limit(client, me.headers, z, instance.key))
    checks += _webhook(client, z, instance)
    return checks


def _incremental(client: Any, z: str = "Zendesk") -> Check:
    start = str(int(datetime.now(UTC).timestamp()) - 60)
    answer = client.probe("incremental/tickets/cursor.json", {"start_time": start, "per_page": "1"})
    if answer.status_code == 200:
        return Check(z, "Incremental exports", OK, "The API user may read the incremental exports.")
    fix = "Use the API token of a Zendesk admin: only admins may read the incremental exports."
    return Check(
        z, "Incremental exports", ERROR, f"The incremental export answered {answer.status_code}.", fix
    )


def _rate_limit(client: Any, headers: Any, z: str = "Zendesk", instance: str = GLOBAL) -> Check:
    """The account's request limit (from the response headers) and what a backfill will take."""
    per_minute = _int(headers.get("X-Rate-Limit") or headers.get("ratelimit-limit"))
    incremental = _incremental_budget(instance)
    count = client.probe("tickets/count.json")
    tickets = (
        _int(((count.json() or {}).get("count") or {}).get("value")) if count.status_code == 200 else None
    )
    account = f"{per_minute:,} requests a minute for the account" if per_minute else "no rate-limit header"
    if tickets is None:
        detail = f"{account}; the ticket count was not available, so no backfill estimate."
        return Check(z, "Rate limit", WARNING, detail, "Check that the API user may read tickets.")
    pages = max(math.ceil(tickets / EXPORT_PAGE), 1)
    minutes = pages / incremental
    detail = (
        f"{account}; incremental exports {incremental:g} a minute. A full backfill of about "
        f"{tickets:,} tickets needs about {pages:,} export pages: about {duration(minutes * 60)} "
        "for the tickets, and about as long again for their comments."
    )
    return Check(z, "Rate limit", OK, detail)


def _incremental_budget(instance: str = GLOBAL) -> float:
    from .pacing import zendesk_budgets

    count, window = zendesk_budgets(instance).get("incremental", (10, 60.0))
    return count * 60.0 / window


def _webhook(client: Any, z: str = "Zendesk", instance: Instance | None = None) -> list[Check]:
    instance = instance or instances.get(GLOBAL)
    name = "Webhook"
    option = "" if instance.key == GLOBAL else f" --instance {instance.key}"
    install = f"Run `python manage.py zendesk_webhook install{option}`."
    answer = client.probe("webhooks")
    if answer.status_code != 200:
        return [Check(z, name, ERROR, f"The webhooks API answered {answer.status_code}.", install)]
    target = webhook_url(instance.key)
    hooks = [w for w in (answer.json() or {}).get("webhooks") or () if w.get("endpoint") == target]
    if not hooks:
        return [Check(z, name, ERROR, f"No webhook points at {target}.", install)]
    hook = hooks[0]
    if hook.get("status") != "active":
        detail = f"The webhook {hook.get('name')!r} is {hook.get('status')}."
        return [Check(z, name, ERROR, detail, "Activate it in Zendesk, or run the install command again.")]
    checks = [Check(z, name, OK, f"{hook.get('name')!r} is active and points at {target}.")]
    secret = client.probe(f"webhooks/{hook['id']}/signing_secret")
    value = ((secret.json() or {}).get("signing_secret") or {}).get("secret") if secret.ok else None
    configured = instance.webhook_secret
    variable = _var(instance, "WEBHOOK_SECRET")
    if value is None:
        checks.append(Check(z, "Webhook secret", WARNING, "Could not read the signing secret.", install))
    elif not hmac.compare_digest(str(value), configured):
        fix = f"Set {variable} to the webhook's signing secret (the install command prints it)."
        checks.append(Check(z, "Webhook secret", ERROR, f"{variable} is not the signing secret.", fix))
    else:
        checks.append(Check(z, "Webhook secret", OK, f"{variable} matches the signing secret."))
    return checks


# -- Salesforce ------------------------------------------------------------------------------
def check_salesforce(client: Any, reports: list[discovery.FieldReport]) -> list[Check]:
    s = "Salesforce"
    try:
        client.login()
    except SyncError as exc:
        fix = "Check SALESFORCE_LOGIN_URL (the org's My Domain) and the connected app's client id and secret."
        return [Check(s, "Login", ERROR, f"The OAuth login failed: {exc}", fix)]
    checks = [Check(s, "Login", OK, "Logged in with the connected app (OAuth client credentials).")]
    version = settings.SALESFORCE_API_VERSION
    versions = client.api_versions()
    if version in versions:
        checks.append(Check(s, "API version", OK, f"The org serves API version {version}."))
    else:
        newest = max(versions, key=float) if versions else "?"
        fix = f"Set SALESFORCE_API_VERSION to one the org serves (the newest is {newest})."
        checks.append(Check(s, "API version", ERROR, f"The org does not serve API version {version}.", fix))
    checks += _field_checks(s, [r for r in reports if r.field.source == SALESFORCE])
    checks.append(_daily_requests(client))
    return checks


def _daily_requests(client: Any) -> Check:
    daily = client.limits().get("DailyApiRequests") or {}
    most, left = _int(daily.get("Max")), _int(daily.get("Remaining"))
    if most is None or left is None:
        return Check(
            "Salesforce",
            "API requests",
            WARNING,
            "The org did not report its daily API requests.",
            "Give the integration user the 'View Setup and Configuration' permission.",
        )
    detail = f"{left:,} of {most:,} daily API requests remaining."
    if left == 0:
        fix = "Wait for the 24-hour window to roll over, or ask Salesforce for a higher limit."
        return Check("Salesforce", "API requests", ERROR, detail, fix)
    if left < most / 10:
        fix = "Other integrations use most of the org's API requests: a full sync may run out."
        return Check("Salesforce", "API requests", WARNING, detail, fix)
    return Check("Salesforce", "API requests", OK, detail)


# -- fields ----------------------------------------------------------------------------------
def _field_checks(source: str, reports: list[discovery.FieldReport]) -> list[Check]:
    checks = []
    for r in reports:
        fix = ""
        if r.status != OK:
            if r.suggestions:
                names = ", ".join(s.name for s in r.suggestions)
                fix = f"Map it on the Connections page; the closest existing fields: {names}."
            else:
                fix = "Create the field in the source, or map it to another on the Connections page."
        checks.append(Check(source, f"Field {r.field.obj}.{r.field.name}", r.status, r.message, fix))
    return checks


# -- the whole check -------------------------------------------------------------------------
def available_fields(sf: Any, zd: Any) -> dict[tuple[str, str], list[discovery.SourceField] | None]:
    """Every mapped object's fields, or None for a source that could not be read."""
    available: dict[tuple[str, str], list[discovery.SourceField] | None] = {}
    for source, obj in sorted({(f.source, f.obj) for f in FIELDS}):
        client = sf if source == SALESFORCE else zd
        try:
            if client is None:
                raise SyncError("not configured")
            if source == SALESFORCE:
                available[(source, obj)] = discovery.salesforce_fields(client, obj)
            else:
                available[(source, obj)] = discovery.zendesk_fields(client, obj)
        except Exception:  # the source's own check says why
            available[(source, obj)] = None
    return available


def run() -> Result:
    """Check every Zendesk instance and Salesforce as configured; remembered for the
    Connections page. ``fields`` reports Salesforce's fields and each instance's Zendesk fields,
    each against its own mapping (``FieldReport.instance``)."""
    from .salesforce import SalesforceClient
    from .zendesk import ZendeskClient

    result = Result()
    zendesks: list[tuple[Instance, Any]] = []
    for instance in instances.all_instances():
        try:
            zendesks.append((instance, ZendeskClient.for_instance(instance)))
        except SyncError as exc:
            fix = "Set the variables named."
            result.checks.append(Check(source_label(instance), "Configuration", ERROR, str(exc), fix))
            zendesks.append((instance, None))
    sf = None
    try:
        sf = SalesforceClient.from_settings()
    except SyncError as exc:
        result.checks.append(
            Check("Salesforce", "Configuration", ERROR, str(exc), "Set the variables named.")
        )
    result.fields = discovery.report(available_fields(sf, zendesks[0][1]))
    for instance, zd in zendesks:
        reports = [r for r in result.fields if r.field.source == ZENDESK]
        if instance.key != GLOBAL:
            found = discovery.report(available_fields(None, zd), instance=instance.key)
            reports = [r for r in found if r.field.source == ZENDESK]
            result.fields += reports
        if zd is not None:
            _guarded(result, source_label(instance), "Zendesk", partial(check_zendesk, zd, reports, instance))
    if sf is not None:
        sf_reports = [r for r in result.fields if r.field.source == SALESFORCE]
        _guarded(result, "Salesforce", "Salesforce", partial(check_salesforce, sf, sf_reports))
    return result


def _guarded(result: Result, label: str, source: str, check: Any) -> None:
    """One source's (or instance's) checks; one that cannot be reached is named with the fix,
    and the others are still checked."""
    try:
        result.checks += check()
    except Exception as exc:
        fix = f"Check that {source} is reachable from this server and the settings name it."
        result.checks.append(Check(label, "Connection", ERROR, f"{type(exc).__name__}: {exc}"[:300], fix))


def remember(result: Result, fields: list[dict] | None = None) -> dict:
    checks = [asdict(c) for c in result.checks]
    last = {"checks": checks, "checked_at": result.checked_at.isoformat(), "fields": fields or []}
    cache.set(LAST_KEY, last, None)
    return last


def last() -> dict | None:
    return cache.get(LAST_KEY)


# -- words -----------------------------------------------------------------------------------
def duration(seconds: float) -> str:
    minutes = max(round(seconds / 60), 1)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _int(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None
