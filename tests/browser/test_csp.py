"""The Content-Security-Policy in Chromium: the browser tests' watcher reports a violation (so
the sweep and the hostile-input tests would fail on one), inline code does not run, and the pages
the sweep does not reach (the 500 page) are clean under the policy.

The policy itself: csmportal/settings.py; why each directive: docs/hardening.md.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from csp.constants import SELF
from playwright.sync_api import Browser

from tests.browser.conftest import watched_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.browser.csp_urls")]


def _context(browser: Browser, live_server):
    return browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})


def test_an_inline_script_style_or_handler_is_refused_and_reported(browser, live_server):
    context = _context(browser, live_server)
    page, problems = watched_page(context)
    response = page.goto("/_test/inline/")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.click("#handler")
    page.wait_for_timeout(200)  # violation events are dispatched as tasks
    ran = page.evaluate("[window.__inlineRan === true, window.__handlerRan === true]")
    context.close()

    assert ran == [False, False], "the policy let inline code run"
    reported = [p for p in problems if p.startswith("CSP violation:")]
    assert any(p.startswith("CSP violation: script-src-elem refused inline") for p in reported), problems
    assert any(p.startswith("CSP violation: style-src-attr refused inline") for p in reported), problems
    assert any(p.startswith("CSP violation: script-src-attr refused inline") for p in reported), problems
    # Chromium's own console errors, which the watcher counts too.
    assert any(p.startswith("console error:") and "Content Security Policy" in p for p in problems), problems


def test_a_script_added_to_a_portal_page_is_refused_and_reported(browser, live_server):
    """What an injection into a real page would do: add an inline script, a style attribute,
    an eval."""
    context = _context(browser, live_server)
    page, problems = watched_page(context)
    page.goto("/auth/login/")
    assert problems == []
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__injectedRan = true";
          document.body.append(script);
          document.body.setAttribute("style", "background: red");
          setTimeout("window.__evalRan = true", 0);
        }"""
    )
    page.wait_for_timeout(200)
    ran = page.evaluate("[window.__injectedRan === true, window.__evalRan === true]")
    context.close()

    assert ran == [False, False]
    assert any("script-src-elem refused inline" in p for p in problems), problems
    assert any("style-src-attr refused inline" in p for p in problems), problems
    assert any("script-src refused eval" in p for p in problems), problems


def test_the_500_page_is_clean_under_the_policy(browser, live_server):
    context = _context(browser, live_server)
    page, problems = watched_page(context)
    page.expect_http_errors = True
    response = page.goto("/_test/fails/")
    assert response is not None and response.status == 500
    assert "Something went wrong" in page.content()
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # Its stylesheet loaded (the page is laid out as a centred box), and nothing was refused.
    assert page.evaluate("getComputedStyle(document.body).display") == "grid"
    context.close()
    assert [p for p in problems if "status of 500" not in p] == [], problems


def test_a_form_whose_post_redirects_to_another_origin_needs_that_origin_in_form_action(
    browser, live_server, settings
):
    """Why the SSO provider's origin is in form-action: the login page's SSO button posts to the
    portal, which redirects to the provider, and Chromium checks that redirect too."""
    provider = live_server.url.replace("localhost", "127.0.0.1")  # another origin, same server
    path = "/_test/form/?to=" + quote(provider + "/_test/landed/")

    context = _context(browser, live_server)
    page, problems = watched_page(context)
    page.goto(path)
    page.click("button")
    page.wait_for_timeout(500)
    assert not page.url.startswith(provider), page.url
    assert any(p.startswith("CSP violation: form-action refused") for p in problems), problems
    context.close()

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "form-action": [SELF, provider]}}
    context = _context(browser, live_server)
    page, problems = watched_page(context)
    page.goto(path)
    with page.expect_navigation():
        page.click("button")
    assert page.url == provider + "/_test/landed/" and "<p>landed</p>" in page.content()
    context.close()
    assert problems == []
