"""The Zendesk client: the only module that imports zenpy.

Bulk exports use zenpy's authenticated session but read the pages as JSON (zenpy's object
layer is the slow part of a large export); the single-ticket fetch uses zenpy objects. zenpy
sleeps inside the process on a 429: the session's response hook raises ``RateLimited`` first,
so it never gets the chance. zenpy's object cache is off (it would serve stale tickets).

One client talks to one Zendesk instance (``csmportal.instances``): its host, its credentials,
its rate budget; its token goes to that host only. With SANDBOX on, every instance's requests
go to SANDBOX_URL with that instance's credentials (the sandbox tells them apart by those).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from zenpy import Zenpy
from zenpy.lib.exception import RecordNotFoundException

from csmportal import instances
from csmportal.instances import GLOBAL, Instance

from . import mapping
from . import zendesk_records as parse
from .errors import CursorStalled, PermanentError
from .http import Caller, make_session, origin_of, refuse_foreign
from .pacing import Budget, parse_budgets, zendesk_window
from .records import (
    CommentRecord,
    OrganizationRecord,
    Page,
    RatingRecord,
    ScheduleRecord,
    SupportUserRecord,
    TicketRecord,
)

REGION_KEY = "zendesk.ticket.preferred_region"
EXPORT_PAGE = 1000  # items per incremental export page (Zendesk's maximum)
RATINGS_PAGE = 100


ZENDESK_FIX = (
    "The portal follows only URLs on the configured Zendesk host; check ZENDESK_SUBDOMAIN "
    "(SANDBOX_URL with SANDBOX on), and ask Zendesk why it named another host."
)


def variable(instance: str, name: str) -> str:
    """The environment variable that sets ``name`` (SUBDOMAIN, EMAIL ...) of an instance."""
    return f"ZENDESK_{name}" if instance == GLOBAL else f"ZENDESK_{instance.upper()}_{name}"


def zendesk_base_url(instance: Instance | None = None) -> str:
    """Where an instance's API is: its own host, or the sandbox (which serves every instance)."""
    if settings.SANDBOX:
        return settings.SANDBOX_URL
    subdomain = instance.subdomain if instance is not None else settings.ZENDESK_SUBDOMAIN
    return f"https://{subdomain}.zendesk.com"


class ZendeskClient:
    def __init__(
        self,
        *,
        base_url: str,
        subdomain: str,
        email: str,
        token: str,
        may_wait: bool = False,
        sandbox: bool = False,
        budgets: dict[str, tuple[int, float]] | None = None,
        instance: str = GLOBAL,
    ) -> None:
        if not (email and token):
            raise PermanentError(
                f"Zendesk{'' if instance == GLOBAL else f' ({instance})'} is not configured: set "
                f"{variable(instance, 'EMAIL')} and {variable(instance, 'API_TOKEN')}."
            )
        self.instance = instance
        self.base_url = base_url.rstrip("/")
        # The token goes to the configured host only, whatever URL an answer names.
        self.allowed = {origin_of(self.base_url)}
        fix = ZENDESK_FIX.replace("ZENDESK_SUBDOMAIN", variable(instance, "SUBDOMAIN"))
        self.session = make_session(sandbox=sandbox, allowed=self.allowed, source="Zendesk", fix=fix)
        self.session.auth = (f"{email}/token", token)
        self.sandbox = sandbox
        pacers = {
            key: Budget(zendesk_window(instance, key), count, window, may_wait=may_wait)
            for key, (count, window) in (budgets or {}).items()
        }
        self.http = Caller(self.session, budgets=pacers, may_wait=may_wait)
        self.subdomain = subdomain
        self._zenpy: Zenpy | None = None
        self._region_field_id: int | bool | None = False  # False: not looked up yet

    @classmethod
    def for_instance(cls, instance: Instance | str, *, may_wait: bool = False) -> ZendeskClient:
        """The client of one configured instance (an Instance or its key)."""
        if isinstance(instance, str):
            instance = instances.get(instance)
        return cls(
            base_url=zendesk_base_url(instance),
            subdomain=instance.subdomain,
            email=instance.email,
            token=instance.api_token,
            may_wait=may_wait,
            sandbox=settings.SANDBOX,
            budgets=parse_budgets(instance.rate_limit),
            instance=instance.key,
        )

    @classmethod
    def from_settings(cls, *, may_wait: bool = False) -> ZendeskClient:
        """The global instance's client (today's single-instance settings)."""
        return cls.for_instance(GLOBAL, may_wait=may_wait)

    def url(self, path: str) -> str:
        return f"{self.base_url}/api/v2/{path}"

    # -- small calls -----------------------------------------------------------------------
    def ping(self) -> None:
        """Raise unless Zendesk answers and accepts the credentials."""
        self.http.get_json(self.url("users/me.json"))

    def probe(self, path: str, params: dict[str, str] | None = None) -> requests.Response:
        """One GET with the credentials but without retries or error mapping: the connection
        check reads the status and headers (rate limit) itself."""
        session = requests.Session()
        session.auth, session.verify = self.session.auth, self.session.verify
        session.trust_env = self.session.trust_env
        return session.get(self.url(path), params=params, timeout=(10, 30), allow_redirects=False)

    def fields(self, kind: str) -> list[dict[str, Any]]:
        """Every ticket or organization field (``kind``: ``ticket_fields`` or
        ``organization_fields``), as Zendesk lists them."""
        found: list[dict[str, Any]] = []
        url: str | None = self.url(f"{kind}.json")
        while url:
            data = self.http.get_json(url) or {}
            found.extend(data.get(kind) or ())
            url = data.get("next_page")
        return found

    def region_field_id(self) -> int | None:
        """The id of the "Preferred Region for Support" ticket field (looked up by the title this
        instance maps it to, remembered for an hour: the webhook's single-ticket fetches would
        otherwise ask each time). None when the field is unmapped or the instance has no such
        field."""
        if self._region_field_id is False:
            title = mapping.current(self.instance)[REGION_KEY]
            # The sandbox serves every instance at one URL: the instance tells their fields apart.
            digest = hashlib.sha256(f"{self.base_url} {self.instance} {title}".encode()).hexdigest()[:24]
            key = f"integrations:zendesk:region_field:{digest}"
            cached = cache.get(key)
            if cached is not None:
                self._region_field_id = cached or None
            else:
                found = self._find_region_field(title) if title else None
                cache.set(key, found or 0, 3600)
                self._region_field_id = found
        return self._region_field_id  # type: ignore[return-value]

    def _find_region_field(self, title: str) -> int | None:
        url: str | None = self.url("ticket_fields.json")
        while url:
            data = self.http.get_json(url) or {}
            for field in data.get("ticket_fields") or ():
                if (field.get("title") or field.get("raw_title")) == title:
                    return int(field["id"])
            url = data.get("next_page")
            if url:
                refuse_foreign(url, self.allowed, source="Zendesk", fix=ZENDESK_FIX)
        return None

    # -- cursor-based exports (tickets, users) ----------------------------------------------
    def _cursor_export(self, kind: str, cursor: str, extra: dict[str, str]) -> Iterator[tuple[dict, str]]:
        """Pages of /incremental/<kind>/cursor.json as (page JSON, cursor it was asked with)."""
        while True:
            params = {"per_page": str(EXPORT_PAGE), **extra}
            params.update({"cursor": cursor} if cursor else {"start_time": "0"})
            data = self.http.get_json(
                self.url(f"incremental/{kind}/cursor.json"), params=params, budget="incremental"
            )
            if data is None:
                raise PermanentError(f"Zendesk has no {kind} export (404)")
            yield data, cursor
            after = data.get("after_cursor") or cursor
            if data.get("end_of_stream"):
                return
            if after == cursor:
                raise CursorStalled(
                    f"Zendesk's {kind} export returned the cursor it was given ({cursor[:40]})"
                )
            cursor = after

    def count(self, kind: str) -> int | None:
        """Zendesk's (approximate) count of tickets, users or organizations, or None."""
        try:
            data = self.http.get_json(self.url(f"{kind}/count.json")) or {}
        except PermanentError:
            return None
        value = (data.get("count") or {}).get("value")
        return int(value) if isinstance(value, int | float) else None

    def _backfill_total(self, kind: str, cursor: str) -> int | None:
        """A run from the start of an export gets the source's count, so the sync page can say
        how far a first backfill is and how long it has left (one request per backfill)."""
        return self.count(kind) if cursor in ("", "0") else None

    def ticket_pages(self, cursor: str = "") -> Iterator[Page[TicketRecord]]:
        region_field = self.region_field_id()
        total = self._backfill_total("tickets", cursor)
        for data, asked in self._cursor_export("tickets", cursor, {"include": "slas"}):
            now = datetime.now(UTC)
            records = [
                parse.parse_ticket(t, region_field_id=region_field, now=now)
                for t in data.get("tickets") or ()
            ]
            newest = max((r.generated_timestamp for r in records), default=None)
            yield Page(
                records=records,
                cursor=data.get("after_cursor") or asked,
                has_more=not data.get("end_of_stream"),
                request_cursor=asked,
                position=datetime.fromtimestamp(newest, tz=UTC) if newest else None,
                expected=total,
            )

    def user_pages(self, cursor: str = "") -> Iterator[Page[SupportUserRecord]]:
        total = self._backfill_total("users", cursor)
        for data, asked in self._cursor_export("users", cursor, {}):
            records = [parse.parse_user(u) for u in data.get("users") or ()]
            yield Page(
                records=records,
                cursor=data.get("after_cursor") or asked,
                has_more=not data.get("end_of_stream"),
                request_cursor=asked,
                position=max((r.zd_updated_at for r in records if r.zd_updated_at), default=None),
                expected=total,
            )

    # -- time-based exports (organizations, ticket events) ---------------------------------
    def _time_export(self, path: str, start: int, extra: dict[str, str]) -> Iterator[tuple[dict, int]]:
        while True:
            params = {"start_time": str(start), **extra}
            data = self.http.get_json(self.url(path), params=params, budget="incremental")
            if data is None:
                raise PermanentError(f"Zendesk has no {path} export (404)")
            yield data, start
            end = int(data.get("end_time") or start)
            if data.get("end_of_stream") or not data.get("next_page"):
                return
            if end <= start:
                raise CursorStalled(f"Zendesk's {path} export did not move past start_time={start}")
            start = end

    def organization_pages(self, cursor: str = "") -> Iterator[Page[OrganizationRecord]]:
        start = int(cursor or 0)
        names = mapping.names_for(mapping.ZENDESK, "organization", self.instance)
        total = self._backfill_total("organizations", cursor)
        for data, asked in self._time_export("incremental/organizations.json", start, {"per_page": "1000"}):
            records = [parse.parse_organization(o, names) for o in data.get("organizations") or ()]
            yield Page(
                records=records,
                cursor=str(int(data.get("end_time") or asked)),
                has_more=not data.get("end_of_stream") and bool(data.get("next_page")),
                request_cursor=str(asked),
                position=max((r.zd_updated_at for r in records if r.zd_updated_at), default=None),
                expected=total,
            )

    def comment_pages(self, cursor: str = "") -> Iterator[Page[CommentRecord]]:
        """Comments (with attachment metadata) from the ticket event export.

        One export covers every ticket's comments, 1000 events a request, in time order; asking
        each changed ticket for its comments would cost a request per ticket.
        """
        start = int(cursor or 0)
        extra = {"include": "comment_events"}
        for data, asked in self._time_export("incremental/ticket_events.json", start, extra):
            events = data.get("ticket_events") or []
            records, skipped = parse.parse_comment_events(events)
            end = int(data.get("end_time") or asked)
            yield Page(
                records=records,
                cursor=str(end),
                has_more=not data.get("end_of_stream") and bool(data.get("next_page")),
                request_cursor=str(asked),
                position=datetime.fromtimestamp(end, tz=UTC) if events else None,
                skipped=skipped,
            )

    # -- satisfaction ratings (cursor pagination within a start_time window) -----------------
    def rating_pages(self, cursor: str = "") -> Iterator[Page[RatingRecord]]:
        """``cursor`` is JSON: {"start_time": unix, "after": page cursor or null}."""
        state = json.loads(cursor) if cursor else {}
        start = int(state.get("start_time") or 0)
        after = state.get("after")
        while True:
            params = {"start_time": str(start), "page[size]": str(RATINGS_PAGE)}
            if after:
                params["page[after]"] = after
            asked = json.dumps({"start_time": start, "after": after})
            data = self.http.get_json(self.url("satisfaction_ratings.json"), params=params) or {}
            records = [parse.parse_rating(r) for r in data.get("satisfaction_ratings") or ()]
            meta = data.get("meta") or {}
            more = bool(meta.get("has_more"))
            nxt = meta.get("after_cursor") or after
            yield Page(
                records=records,
                cursor=json.dumps({"start_time": start, "after": nxt}),
                has_more=more,
                request_cursor=asked,
                position=max((r.zd_updated_at for r in records), default=None),
            )
            if not more:
                return
            if nxt == after:
                raise CursorStalled(
                    f"Zendesk's satisfaction ratings returned the cursor it was given ({after})"
                )
            after = nxt

    # -- schedules (business hours and holidays) ----------------------------------------------
    def schedule_pages(self, cursor: str = "") -> Iterator[Page[ScheduleRecord]]:
        """Every schedule with its holidays, as one page: Zendesk lists schedules unpaginated
        and an account holds a handful. The stream re-reads them all on each run."""
        data = self.http.get_json(self.url("business_hours/schedules.json")) or {}
        records = []
        for schedule in data.get("schedules") or ():
            path = f"business_hours/schedules/{int(schedule['id'])}/holidays.json"
            holidays = self.http.get_json(self.url(path))
            if holidays is None:
                continue  # deleted between the two requests
            records.append(parse.parse_schedule(schedule, holidays.get("holidays") or []))
        yield Page(
            records=records,
            cursor="",
            has_more=False,
            request_cursor=cursor,
            expected=len(records),
            position=max((r.zd_updated_at for r in records if r.zd_updated_at), default=None),
        )

    # -- one ticket (webhook) ---------------------------------------------------------------
    def _zenpy_client(self) -> Zenpy:
        if self._zenpy is None:
            if self.sandbox:
                # zenpy builds https://<subdomain>.zendesk.com unless told where to go.
                os.environ["ZENPY_FORCE_NETLOC"] = urlsplit(self.base_url).netloc
                os.environ["ZENPY_FORCE_SCHEME"] = urlsplit(self.base_url).scheme
            email, token = self.session.auth  # type: ignore[misc]
            self._zenpy = Zenpy(
                subdomain=self.subdomain,
                email=email.removesuffix("/token"),
                token=token,
                session=self.session,
                disable_cache=True,
                ratelimit_budget=0,
            )
        return self._zenpy

    def ticket(self, zd_id: int) -> TicketRecord | None:
        """One ticket with its SLA, or None when Zendesk no longer has it (deleted)."""
        client = self._zenpy_client()

        def send() -> Any:
            try:
                return client.tickets(id=int(zd_id), include=["slas"])
            except RecordNotFoundException:
                return None

        obj = self.http.call(send, what=f"GET ticket {zd_id}")
        if obj is None:
            return None
        data: dict[str, Any] = obj.to_dict()
        if "slas" not in data and getattr(obj, "slas", None) is not None:
            data["slas"] = obj.slas
        return parse.parse_ticket(data, region_field_id=self.region_field_id(), now=datetime.now(UTC))
