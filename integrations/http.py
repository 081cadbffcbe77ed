"""HTTP plumbing shared by the two clients: sessions, error mapping, retries and pacing.

Every answer goes through ``raise_for_answer`` (also installed as a response hook on the
sessions given to zenpy and simple-salesforce), so a 429 becomes ``RateLimited`` before zenpy
could sleep on it, and 5xx or a dropped connection becomes ``TransientError``.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from .errors import ForeignHost, PermanentError, RateLimited, TransientError
from .pacing import Budget

log = logging.getLogger(__name__)
T = TypeVar("T")
TIMEOUT = (10, 120)  # connect, read (seconds)
RETRY_ATTEMPTS = 4  # tries of one request before a transient error is handed to the caller
RETRY_BASE = 0.25  # seconds; doubled per attempt, with full jitter
NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
RATE_LIMIT_WAITS = 30  # foreground only: 429s waited out for one request before giving up


DEFAULT_PORTS = {"https": 443, "http": 80}
Origin = tuple[str, str, int]


def origin_of(url: str) -> Origin:
    """(scheme, host, port) of a URL; ("", "", 0) for one that names no host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(url).strip())
        port = parts.port
    except ValueError:
        return ("", "", 0)
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme, 0))


def show_origin(origin: Origin) -> str:
    scheme, host, port = origin
    if not host:
        return "(no host)"
    return f"{scheme}://{host}" + ("" if DEFAULT_PORTS.get(scheme) == port else f":{port}")


def refuse_foreign(url: str, allowed: set[Origin], *, source: str, fix: str) -> None:
    """Raise ForeignHost unless ``url`` is on one of the ``allowed`` origins."""
    found = origin_of(url)
    if found not in allowed:
        configured = ", ".join(sorted(show_origin(o) for o in allowed)) or "none"
        raise ForeignHost(
            f"Refused to send the {source} credentials to {show_origin(found)}: it is not the "
            f"configured {source} host ({configured}). {fix}"
        )


class OriginGuard(HTTPAdapter):
    """Sends a request only to the origins its session is configured for (a mutable set: the
    Salesforce client adds its checked instance URL after login). Every request of the session
    passes here, zenpy's and simple-salesforce's and each redirect hop too, so a URL returned
    by the vendor's API never gets the token on another host."""

    def __init__(self, *, allowed: set[Origin], source: str, fix: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allowed, self.source, self.fix = allowed, source, fix

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        refuse_foreign(request.url or "", self.allowed, source=self.source, fix=self.fix)
        return super().send(request, *args, **kwargs)


def make_session(
    *,
    sandbox: bool | None = None,
    allowed: set[Origin] | None = None,
    source: str = "",
    fix: str = "",
) -> requests.Session:
    """A session for one source. With the sandbox, trust only its CA (ignore proxy/CA env vars).
    With ``allowed``, the session sends nothing to any other origin (``OriginGuard``)."""
    session = requests.Session()
    adapter: HTTPAdapter
    if allowed is not None:
        adapter = OriginGuard(
            allowed=allowed, source=source, fix=fix, pool_connections=4, pool_maxsize=4, max_retries=0
        )
    else:
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=4, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    if settings.SANDBOX if sandbox is None else sandbox:
        session.trust_env = False
        ca = sandbox_ca_path()
        session.verify = str(ca) if ca else True
    session.hooks["response"].append(_hook)
    return session


def sandbox_ca_path() -> str | None:
    from pathlib import Path

    path = Path(settings.VAR_DIR) / "sandbox" / "ca.pem"
    return str(path) if path.exists() else None


def _hook(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    raise_for_answer(response)
    return response


def retry_after(response: requests.Response, default: float = 60.0) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(float(value), 0.0)
    except ValueError:
        return default


def raise_for_answer(response: requests.Response) -> None:
    """Map an HTTP answer to the sync's errors. 2xx and 404 pass (404 is the caller's call)."""
    status = response.status_code
    if status < 300 or status == 404:
        return
    where = f"{response.request.method} {_path(response.url)}"
    if status == 429:
        raise RateLimited(f"{where}: rate limited (429)", retry_after(response))
    if status == 403 and b"REQUEST_LIMIT_EXCEEDED" in response.content[:500]:
        raise RateLimited(f"{where}: Salesforce request limit exceeded", retry_after(response, 300.0))
    if status >= 500 or status == 408:
        raise TransientError(f"{where}: the source answered {status}")
    if status in (401, 403):
        if b"INVALID_SESSION_ID" in response.content[:500]:
            return  # simple-salesforce raises SalesforceExpiredSession; the client logs in again
        raise PermanentError(f"{where}: {status} - check the credentials ({_brief(response)})")
    raise PermanentError(f"{where}: {status} {_brief(response)}")


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def _brief(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return json.dumps(body)[:300]


def backoff(attempt: int, base: float = RETRY_BASE, cap: float = 8.0) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**attempt))."""
    return random.uniform(0, min(cap, base * (2**attempt)))


class Caller:
    """Sends one GET with pacing, inline retries of transient failures and rate-limit handling.

    ``may_wait``: the foreground command waits out rate limits; a Celery worker never sleeps on
    one (``RateLimited`` goes up and the task is rescheduled after ``retry_after``).
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        budgets: dict[str, Budget] | None = None,
        may_wait: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.budgets = budgets or {}
        self.may_wait = may_wait
        self.sleep = sleep
        self.requests = 0
        self.retried = 0
        self.rate_limited = 0
        self.waited = 0.0

    def get(self, url: str, *, params: dict[str, Any] | None = None, budget: str = "default") -> bytes:
        """The body of a successful GET (b"" for a 404)."""

        def send() -> bytes:
            response = self.session.get(url, params=params, timeout=TIMEOUT)
            return response.content if response.status_code != 404 else b""

        return self.call(send, what=f"GET {_path(url)}", budget=budget)

    def call(self, send: Callable[[], T], *, what: str, budget: str = "default") -> T:
        """Run one request (``send``) under the budget, retrying what is worth retrying."""
        attempt = 0
        limited = 0
        while True:
            pacer = self.budgets.get(budget)
            slot = pacer.acquire() if pacer else None
            try:
                self.requests += 1
                try:
                    return send()
                finally:
                    if slot is not None and pacer is not None:
                        pacer.release(slot)
            except RateLimited as exc:
                self.rate_limited += 1
                limited += 1
                if not self.may_wait or limited > RATE_LIMIT_WAITS:
                    raise
                log.info("%s: rate limited, waiting %.1fs", what, exc.retry_after)
                self.sleep(exc.retry_after)
                self.waited += exc.retry_after
            except requests.exceptions.SSLError as exc:
                raise PermanentError(f"{what}: TLS failed ({exc}); check the CA / SANDBOX_URL") from exc
            except (TransientError, *NETWORK_ERRORS) as exc:
                attempt += 1
                if attempt >= RETRY_ATTEMPTS:
                    if isinstance(exc, TransientError):
                        raise
                    raise TransientError(f"{what}: {type(exc).__name__}: {exc}") from exc
                self.retried += 1
                pause = backoff(attempt)
                log.info("%s failed (%s); retry %d in %.2fs", what, exc, attempt, pause)
                self.sleep(pause)
            except requests.RequestException as exc:
                raise PermanentError(f"{what}: {type(exc).__name__}: {exc}") from exc

    def get_json(self, url: str, *, params: dict[str, Any] | None = None, budget: str = "default") -> Any:
        body = self.get(url, params=params, budget=budget)
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError as exc:
            raise TransientError(f"GET {_path(url)}: the answer is not JSON") from exc
