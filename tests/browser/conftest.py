"""Playwright (Python) driving the system's Chromium against pytest-django's live server."""

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.two_factor import totp

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# Every page runs under the portal's Content-Security-Policy. Chromium logs each refusal as a
# console error ("Refused to ..."), which the checks below already count; this listener reports
# each violation explicitly too (directive, what was blocked, where), in every frame, and also
# catches what the console may word differently (eval, inline style attributes).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  if (typeof window.__cspViolation !== "function") return; // a frame the binding cannot reach
  window.__cspViolation(
    e.effectiveDirective + " refused " + (e.blockedURI || "inline") + " on " + e.documentURI
      + (e.sourceFile ? " (" + e.sourceFile + ":" + e.lineNumber + ")" : "")
      + (e.sample ? " [" + e.sample + "]" : "")
  );
});
"""
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watch_csp(context: BrowserContext, problems: list[str]) -> None:
    """Add every Content-Security-Policy violation in the context's pages to problems."""
    context.expose_binding("__cspViolation", lambda source, text: problems.append(f"CSP violation: {text}"))
    context.add_init_script(CSP_LISTENER)


def watched_page(context: BrowserContext) -> tuple[Page, list[str]]:
    """A new page of the context, and the list its problems go to: console errors, page errors,
    failed requests, 4xx/5xx answers (unless page.expect_http_errors) and CSP violations."""
    problems: list[str] = []
    watch_csp(context, problems)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "requestfailed",
        # ERR_ABORTED is the browser dropping a load because the test navigated on: not an error.
        lambda req: (
            None
            if "ERR_ABORTED" in (req.failure or "")
            else problems.append(f"request failed: {req.url} {req.failure}")
        ),
    )
    page.on(
        "response",
        lambda resp: (
            problems.append(f"HTTP {resp.status}: {resp.url}")
            if resp.status >= 400 and not getattr(page, "expect_http_errors", False)
            else None
        ),
    )
    return page, problems


@pytest.fixture
def synced_world(sandbox, settings):
    """The hardening world (tests/hardening/world.py) on data the real sync mirrored from the
    sandbox: what the sweeps open every page on."""
    from integrations.runner import run_stream
    from integrations.streams import ORDER
    from tests.hardening.world import make_users, world_on_synced_data

    for name, value in sandbox.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""
    for spec in ORDER:
        run_stream(spec.name, may_wait=True)
    return world_on_synced_data(make_users())


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser context; fails the test on any console error, failed request or CSP
    violation."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page, problems = watched_page(context)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not problems, "\n".join(problems)


def log_in(page: Page, email: str, password: str = "test-password-123", *, known_code: bool = True) -> None:
    """Log in as a person would. Asked for a two-factor code, type the one of the secret every
    admin persona has (tests.two_factor), unless known_code is off."""
    page.goto("/auth/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if known_code and "/auth/2fa/authenticate/" in page.url:
        page.fill("#id_code", totp())
        with page.expect_navigation():
            page.click("button[type=submit]")


def screenshot(page: Page, name: str) -> None:
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
