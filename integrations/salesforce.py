"""The Salesforce client: the only module that imports simple-salesforce.

Login is OAuth 2.0 client credentials against ``SALESFORCE_LOGIN_URL`` (the org's My Domain):
the answer's ``access_token`` and ``instance_url`` go to simple-salesforce as ``session_id``
and ``instance_url``; an expired session (401 INVALID_SESSION_ID) logs in again once.
Queries are paged by Salesforce (up to 2000 records, ``nextRecordsUrl``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from . import mapping
from . import salesforce_records as parse
from .errors import CursorStalled, ForeignHost, PermanentError, TransientError
from .http import Caller, make_session, origin_of, show_origin
from .records import Page

T = TypeVar("T")
# Incremental queries start this long before the newest SystemModstamp already mirrored:
# Salesforce stamps a record when its transaction starts, so a slow transaction can commit a
# change stamped earlier than one we have already read.
OVERLAP = timedelta(minutes=5)
# The domains Salesforce serves its orgs' APIs from (My Domain, legacy instances, Government
# Cloud, Salesforce on Alibaba Cloud): a login answer's instance_url must be HTTPS on one.
SALESFORCE_DOMAINS = (
    "salesforce.com",
    "force.com",
    "cloudforce.com",
    "database.com",
    "salesforce.mil",
    "crmforce.mil",
    "sfcrmproducts.cn",
)
SALESFORCE_FIX = (
    "The portal sends the Salesforce token only over HTTPS to a Salesforce domain "
    f"({', '.join('*.' + d for d in SALESFORCE_DOMAINS)}) or, with SANDBOX on, to SANDBOX_URL; "
    "check SALESFORCE_LOGIN_URL (the org's My Domain)."
)


def instance_url_allowed(instance_url: str, *, sandbox_urls: tuple[str, ...] = ()) -> bool:
    """HTTPS on a Salesforce domain, or exactly one of the sandbox's origins when it is on."""
    scheme, host, _port = origin = origin_of(instance_url)
    if origin in {origin_of(u) for u in sandbox_urls}:
        return True
    on_domain = any(host == d or host.endswith("." + d) for d in SALESFORCE_DOMAINS)
    return scheme == "https" and on_domain


class SalesforceClient:
    def __init__(
        self,
        *,
        login_url: str,
        client_id: str,
        client_secret: str,
        version: str,
        may_wait: bool = False,
        sandbox: bool = False,
    ) -> None:
        if not (login_url and client_id and client_secret):
            raise PermanentError(
                "Salesforce is not configured: set SALESFORCE_LOGIN_URL, SALESFORCE_CLIENT_ID "
                "and SALESFORCE_CLIENT_SECRET."
            )
        self.login_url = login_url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.version = version
        self.sandbox = sandbox
        # The login URL is configured; the instance URL joins once the login answer is checked.
        self.allowed = {origin_of(self.login_url)}
        self.session = make_session(
            sandbox=sandbox, allowed=self.allowed, source="Salesforce", fix=SALESFORCE_FIX
        )
        self.http = Caller(self.session, may_wait=may_wait)
        self._sf: Salesforce | None = None
        self.logins = 0

    @classmethod
    def from_settings(cls, *, may_wait: bool = False) -> SalesforceClient:
        return cls(
            login_url=settings.SALESFORCE_LOGIN_URL,
            client_id=settings.SALESFORCE_CLIENT_ID,
            client_secret=settings.SALESFORCE_CLIENT_SECRET or "",
            version=settings.SALESFORCE_API_VERSION,
            may_wait=may_wait,
            sandbox=settings.SANDBOX,
        )

    # -- session ---------------------------------------------------------------------------
    def login(self) -> Salesforce:
        def send() -> Any:
            return self.session.post(
                f"{self.login_url}/services/oauth2/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
                timeout=(10, 60),
            )

        response = self.http.call(send, what="Salesforce login", budget="salesforce")
        try:
            token = response.json()
            session_id, instance_url = token["access_token"], token["instance_url"]
        except (ValueError, KeyError) as exc:
            raise PermanentError(f"Salesforce login: unexpected answer ({response.text[:200]})") from exc
        sandbox_urls = (settings.SANDBOX_URL, self.login_url) if self.sandbox else ()
        allowed = instance_url_allowed(str(instance_url), sandbox_urls=sandbox_urls)
        checked = isinstance(instance_url, str) and allowed
        if not checked:
            raise ForeignHost(
                f"Salesforce login answered instance_url {show_origin(origin_of(str(instance_url)))}, "
                f"which is not HTTPS on a Salesforce domain: refused to send it the token. {SALESFORCE_FIX}"
            )
        self.allowed.add(origin_of(instance_url))
        self.logins += 1
        self._sf = Salesforce(
            session_id=session_id, instance_url=instance_url, session=self.session, version=self.version
        )
        return self._sf

    def _run(self, call: Callable[[Salesforce], T], what: str) -> T:
        """One API call; logs in first, and again (once) when the session has expired."""
        for attempt in range(2):
            sf = self._sf or self.login()
            try:
                return self.http.call(partial(call, sf), what=what, budget="salesforce")
            except SalesforceExpiredSession:
                self._sf = None
                if attempt:
                    raise PermanentError(f"{what}: Salesforce refused a fresh session") from None
            except SalesforceError as exc:
                status = getattr(exc, "status", 0) or 0
                if status >= 500:
                    raise TransientError(f"{what}: Salesforce answered {status}") from exc
                raise PermanentError(f"{what}: {exc}") from exc
        raise PermanentError(f"{what}: could not log in")  # pragma: no cover

    def ping(self) -> None:
        self.login()

    # -- setup checks (integrations/connections.py) -------------------------------------------
    def describe(self, sobject: str) -> list[dict[str, Any]]:
        """The fields of ``sobject`` this user may read (field-level security hides the rest)."""
        data = self._run(lambda sf: getattr(sf, sobject).describe(), f"describe {sobject}")
        return [
            {"name": str(f.get("name")), "label": str(f.get("label") or ""), "type": str(f.get("type") or "")}
            for f in (data or {}).get("fields") or ()
        ]

    def api_versions(self) -> list[str]:
        """The REST API versions the org serves (``/services/data/``)."""

        def call(sf: Salesforce) -> Any:
            url = f"https://{sf.sf_instance}/services/data/"
            response = self.session.get(url, headers=sf.headers, timeout=(10, 30))
            return response.json()

        return [str(v.get("version")) for v in self._run(call, "API versions") or ()]

    def limits(self) -> dict[str, Any]:
        """The org's limits (``/limits``): DailyApiRequests Max and Remaining, ..."""
        return dict(self._run(lambda sf: sf.limits(), "limits") or {})

    # -- queries ---------------------------------------------------------------------------
    def pages(self, sobject: str, since: datetime | None) -> Iterator[Page[Any]]:
        """Pages of ``sobject`` changed at or after ``since`` (all when None), oldest first.

        Each page's cursor is the newest SystemModstamp read so far: a later run (or the rerun
        after a crash) asks again from there, minus the overlap window.
        """
        names = mapping.names_for(mapping.SALESFORCE, sobject)
        parser: Callable[[dict[str, Any]], Any] = partial(parse.PARSERS[sobject], names=names)
        query = parse.soql(sobject, since, names)
        # queryAll where the object can be deleted: deletions arrive as IsDeleted = true.
        include_deleted = sobject in parse.WITH_DELETED
        data: dict[str, Any] = self._run(
            lambda sf: sf.query(query, include_deleted=include_deleted), f"SOQL {sobject}"
        )
        watermark = since
        asked = since.isoformat() if since else ""
        seen_urls: set[str] = set()
        while True:
            records = [parser(r) for r in data.get("records") or ()]
            stamps = [r.sf_modstamp for r in records if r.sf_modstamp]
            if stamps:
                watermark = max(stamps) if watermark is None else max(watermark, *stamps)
            next_url = str(data.get("nextRecordsUrl") or "")
            done = bool(data.get("done", True)) or not next_url
            yield Page(
                records=records,
                cursor=watermark.isoformat() if watermark else asked,
                has_more=not done,
                request_cursor=asked,
                expected=int(data.get("totalSize") or 0),
                position=max(stamps) if stamps else None,
            )
            if done:
                return
            if next_url in seen_urls:
                raise CursorStalled(f"Salesforce returned the same nextRecordsUrl twice ({next_url})")
            seen_urls.add(next_url)
            asked = watermark.isoformat() if watermark else asked
            data = self._run(partial(_query_more, url=next_url), f"SOQL {sobject} (more)")


def _query_more(sf: Salesforce, *, url: str) -> dict[str, Any]:
    return sf.query_more(url, identifier_is_url=True)
