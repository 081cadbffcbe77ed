"""Reads for the sync page: each stream's state, its last runs, and the links still missing.

With more than one Zendesk instance, each instance's Zendesk streams are listed (and counted)
on their own, grouped under the instance's name; with one, the page is as before instances."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma, intword
from django.core.cache import cache
from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import Account, Organization, SalesforceUser
from contacts.models import Contact, SupportUser
from csmportal import instances
from csmportal.compiled import instance_of, values_rows
from csmportal.instances import GLOBAL
from feedback.models import Rating
from tickets.models import Case, Comment, Schedule, Ticket
from users.models import User

from .connections import duration
from .models import RunStatus, Stream, SyncRun, SyncState
from .pacing import zendesk_budgets
from .streams import StreamSpec, all_streams, split_key, stream_key
from .waiting import KINDS

RUNS_SHOWN = 5
MODELS = {
    "salesforce.users": SalesforceUser,
    "salesforce.accounts": Account,
    "salesforce.contacts": Contact,
    "salesforce.cases": Case,
    "zendesk.organizations": Organization,
    "zendesk.users": SupportUser,
    "zendesk.tickets": Ticket,
    "zendesk.comments": Comment,
    "zendesk.ratings": Rating,
    "zendesk.schedules": Schedule,
}


def interval(stream: str) -> int:
    """How often beat runs a stream (its key or its name)."""
    fast = split_key(stream)[0] in settings.SYNC_STREAMS_FAST
    return settings.SYNC_FAST_INTERVAL if fast else settings.SYNC_SLOW_INTERVAL


def every_text(seconds: int) -> str:
    """60 -> "minute", 900 -> "15 minutes", 90 -> "90 seconds"."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "hour" if hours == 1 else f"{hours} hours"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"


@dataclass
class StreamStatus:
    stream: str
    label: str
    state: SyncState | None
    runs: list[SyncRun] = field(default_factory=list)
    mirrored: int = 0
    now: datetime = field(default_factory=timezone.now)
    instance: str = GLOBAL

    @property
    def source(self) -> str:
        return self.stream.split(".", 1)[0]

    @property
    def last_run(self) -> SyncRun | None:
        return self.runs[0] if self.runs else None

    @property
    def running(self) -> SyncRun | None:
        run = self.last_run
        return run if run is not None and run.status == RunStatus.RUNNING else None

    @property
    def unresponsive(self) -> bool:
        """Marked running, but its lock ran out: the worker running it is gone."""
        locked_until = self.state.locked_until if self.state else None
        return self.running is not None and (locked_until is None or locked_until < self.now)

    @property
    def queued(self) -> bool:
        return bool(self.state and self.state.requested_at) and self.running is None

    @property
    def lag(self) -> timedelta | None:
        """How far behind the source the portal may be: since the last successful run began."""
        through = self.state.synced_through if self.state else None
        return self.now - through if through else None

    @property
    def stale(self) -> bool:
        """Three runs missed (at least ten minutes): the same rule as /healthz."""
        lag = self.lag
        limit = max(timedelta(seconds=3 * interval(self.stream)), timedelta(minutes=10))
        return lag is None or lag > limit

    @property
    def every(self) -> timedelta:
        return timedelta(seconds=interval(self.stream))

    @property
    def percent(self) -> int | None:
        run = self.running
        if run is None or not run.expected:
            return None
        return max(0, min(100, round(100 * run.fetched / run.expected)))

    @property
    def rate(self) -> float | None:
        """Records a second of the running sync."""
        run = self.running
        if run is None or not run.fetched:
            return None
        seconds = ((run.heartbeat_at or self.now) - run.started_at).total_seconds()
        return run.fetched / seconds if seconds > 0 else None

    @property
    def estimate(self) -> str:
        """A first backfill's progress in words: "Zendesk tickets: 230,000 of about 1.2 million,
        about 1 h 35 min left at 10 requests a minute" ("" when the source gave no total).

        The time left is the longer of what the measured rate and the request budget allow."""
        run = self.running
        if run is None or not run.expected:
            return ""
        left = max(run.expected - run.fetched, 0)
        waits = []
        if self.rate:
            waits.append(left / self.rate)
        per_minute = budget_per_minute(self.stream)
        if per_minute:
            page = 2000 if self.source == "salesforce" else 1000
            waits.append(math.ceil(left / page) / per_minute * 60)
        total = intcomma(run.expected) if run.expected < 1_000_000 else intword(run.expected)
        text = f"{self.label}: {intcomma(run.fetched)} of about {total}"
        if waits:
            text += f", about {duration(max(waits))} left"
        if per_minute:
            text += f" at {per_minute:g} requests a minute"
        return text

    @property
    def failing(self) -> bool:
        """The last run failed, stalled or lost its worker (a rate-limited one will resume)."""
        run = self.last_run
        return self.unresponsive or (
            run is not None and run.status in (RunStatus.FAILED, RunStatus.STALLED, RunStatus.ABANDONED)
        )

    @property
    def last_error(self) -> str:
        return self.state.last_error if self.state else ""


def budget_per_minute(stream: str) -> float | None:
    """The request budget a stream's exports are paced to (its Zendesk instance's incremental
    exports), a minute."""
    name, instance = split_key(stream)
    if not name.startswith("zendesk.") or name == "zendesk.ratings":
        return None
    count, window = zendesk_budgets(instance).get("incremental", (0, 60.0))
    return count * 60.0 / window if count else None


COUNTS_CACHE_SECONDS = 10  # the page polls every 2 s during a sync; counting 10M rows takes a while


def mirrored_counts() -> dict[str, int]:
    """Rows in the portal per stream key, in one query (cached for a few seconds)."""
    return cache.get_or_set("integrations:mirrored_counts", _count_rows, COUNTS_CACHE_SECONDS) or {}


def _count_rows() -> dict[str, int]:
    per_instance = instances.is_multi()
    parts, params = [], []
    for name, model in MODELS.items():
        table = connection.ops.quote_name(model._meta.db_table)
        if per_instance and any(f.column == "zd_instance" for f in model._meta.concrete_fields):
            parts.append(f"SELECT %s, zd_instance, COUNT(*) FROM {table} GROUP BY zd_instance")  # noqa: S608
            params.append(name)
        else:  # Salesforce, or one Zendesk instance: a plain count, as before instances
            parts.append(f"SELECT %s, %s, COUNT(*) FROM {table}")  # noqa: S608
            params += [name, GLOBAL]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {stream_key(name, instance): count for name, instance, count in cursor.fetchall()}


def stream_statuses(runs_shown: int = RUNS_SHOWN, visible: Iterable[str] | None = None) -> list[StreamStatus]:
    """Every stream of every instance (in sync order) with its state and last runs: three
    queries in all. ``visible``: only the Zendesk streams of these instances."""
    states = {s.stream: s for s in SyncState.objects.all()}
    runs: dict[str, list[SyncRun]] = {}
    for run in last_runs(runs_shown):
        runs.setdefault(run.stream, []).append(run)
    counts = mirrored_counts()
    now = timezone.now()
    return [
        StreamStatus(
            stream=spec.stream,
            label=label,
            state=states.get(spec.stream),
            runs=runs.get(spec.stream, []),
            mirrored=counts.get(spec.stream, 0),
            now=now,
            instance=spec.instance,
        )
        for spec, label in stream_labels(visible).values()
    ]


# Who started a run: what the run history writes of them (their name, else their address).
TRIGGERED_BY_FIELDS = ("triggered_by__id", "triggered_by__name", "triggered_by__email")
SKIPPED = {*TRIGGERED_BY_FIELDS, "rank"}


def last_runs(runs_shown: int = RUNS_SHOWN) -> list[SyncRun]:
    """The last `runs_shown` runs of every stream, newest first within each, with who started
    them: one query, built and compiled once per process (csmportal.compiled; filtering on a
    window function cost the page more to compile than to run)."""

    def build() -> QuerySet[Any]:
        ranked = SyncRun.objects.annotate(
            rank=Window(
                RowNumber(), partition_by=[F("stream")], order_by=[F("started_at").desc(), F("id").desc()]
            )
        ).filter(rank__lte=runs_shown)
        fields = [f.attname for f in SyncRun._meta.concrete_fields]
        return ranked.order_by("stream", "-started_at", "-id").values(*fields, *TRIGGERED_BY_FIELDS, "rank")

    runs = []
    for row in values_rows(f"integrations.last_runs.{runs_shown}", None, build, {}, {}):
        run = instance_of(SyncRun, {k: v for k, v in row.items() if k not in SKIPPED})
        run.triggered_by = (
            None if row["triggered_by__id"] is None else instance_of(User, row, prefix="triggered_by__")
        )
        runs.append(run)
    return runs


def stream_labels(visible: Iterable[str] | None = None) -> dict[str, tuple[StreamSpec, str]]:
    """{key: (stream, label)} of every stream, in sync order (no query). With more than one
    Zendesk instance a Zendesk stream's label names its instance; ``visible``: only the
    Zendesk streams of these instances."""
    shown = None if visible is None else set(visible)
    names = {i.key: i.name for i in instances.all_instances() if shown is None or i.key in shown}
    multi = len(names) > 1  # one instance to show: labelled as before instances
    labels = dict(Stream.choices)
    found = {}
    for spec in all_streams():
        if spec.source == "zendesk" and spec.instance not in names:
            continue
        label = labels[spec.name]
        if multi and spec.source == "zendesk":
            label = f"{label} ({names[spec.instance]})"
        found[spec.stream] = (spec, label)
    return found


@dataclass
class StreamGroup:
    label: str  # "" with one Zendesk instance: the page shows no groups
    streams: list[StreamStatus]


def stream_groups(statuses: list[StreamStatus]) -> list[StreamGroup]:
    """The sync page's table: one group (unlabelled, in sync order) with one Zendesk instance
    shown; with more, Salesforce's streams, then each instance's Zendesk streams under its name."""
    if len({s.instance for s in statuses if s.source == "zendesk"}) < 2:
        return [StreamGroup("", statuses)]
    groups = [StreamGroup("Salesforce", [s for s in statuses if s.source == "salesforce"])]
    for instance in instances.all_instances():
        mine = [s for s in statuses if s.source == "zendesk" and s.instance == instance.key]
        if mine:
            groups.append(StreamGroup(f"Zendesk: {instance.name}", mine))
    return groups


@dataclass(frozen=True)
class LinkFinding:
    key: str  # its list: integrations.waiting
    label: str
    count: int
    why: str


def link_findings(user: Any = None) -> list[LinkFinding]:
    """Mirrored records whose source names a parent the portal cannot link (yet): one count per
    kind of integrations.waiting, each with the list of its records behind it; only those
    ``user`` may see (None: none of a restricted instance). One query."""
    counts = _finding_counts(user)
    return [LinkFinding(kind.key, kind.label, n, kind.why) for kind, n in zip(KINDS, counts, strict=True)]


# The findings' counts as one SELECT, compiled once per process and set of hidden instances (the
# only thing their SQL depends on): nine counts built and compiled by the ORM cost more CPU than
# the rest of the sync page's data.
_finding_sql: dict[frozenset[str], tuple[str, tuple[Any, ...]]] = {}


def _finding_counts(user: Any) -> tuple[int, ...]:
    hidden = instances.hidden_keys(user)
    compiled = _finding_sql.get(hidden)
    if compiled is None:
        parts: list[str] = []
        params: list[Any] = []
        for kind in KINDS:
            sql, kind_params = kind.visible(user).order_by().values("pk").query.sql_with_params()
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS waiting)")  # noqa: S608 (Django's SQL)
            params.extend(kind_params)
        compiled = _finding_sql[hidden] = ("SELECT " + ", ".join(parts), tuple(params))
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return tuple(cursor.fetchone())
