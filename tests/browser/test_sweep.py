"""Every page of the portal, as every role, in Chromium, on data the real sync mirrored from the
sandbox: no console error, no failed request, no Content-Security-Policy violation, no 4xx/5xx,
except the 403 page where the role may not see the page (then that page must render, with its
way home).

The pages are every GET route of tests/hardening/matrix.py (so a new route is swept as soon as
the matrix knows it), minus allauth's pages and the admin (their own tests below), CSV
downloads, htmx fragments (swept inside their pages), /healthz and the webhook. On every page
that opens, every handbook link is absolute and is the configured table's link for its key
(`csmportal/handbook.py`), the handbook's Helpful links are in the footer, and no page links the
handbook relatively or without the `handbook-link` mark.

Every page is checked at two widths: 1280 px and a phone's 390 px (the same page, the viewport
narrowed). At either width nothing may be wider than the screen: a horizontal overflow
(`scrollWidth > clientWidth`) fails the sweep, naming the page and the widest element past the
edge. At 390 px the menu and the filters are opened too (their buttons), and checked again.

Screenshots of the main pages go to var/screenshots/; with HARDENING_SCREENSHOTS=docs also to
docs/screenshots/ (the viewport only: 1280x900, or 390x844 for the phone-width ones).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, ViewportSize

from tests.browser.conftest import watch_csp, watched_page
from tests.hardening.matrix import EXPECTED, PERSONA_COLUMNS
from tests.hardening.routes import concrete_path

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_PREFIXES = ("auth/", "admin/", "healthz", "webhooks/")
# Fragments that htmx swaps into a page, never opened as a page of their own.
HTMX_FRAGMENTS = {
    "feedback/forward/ticket-lookup/",
    "notifications/bell/",
    "notifications/demo-ticket/<int:zd_id>/",
}
ROLES = [p for p in PERSONA_COLUMNS if p != "anonymous"]

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}

# (persona, route, file name, element to scroll to, viewport width)
SCREENSHOTS = [
    ("csm", "", "home", None, 1280),  # the README's first picture
    ("csm", "tickets/", "dashboard", None, 1280),
    ("csm", "tickets/<int:zd_id>/", "ticket", None, 1280),
    ("csm", "accounts/<int:pk>/", "account", None, 1280),
    ("csm", "accounts/<int:pk>/", "checklist", "#onboarding", 1280),
    ("csm", "contacts/account/<int:pk>/", "contacts", None, 1280),
    ("manager", "feedback/", "feedback-queue", None, 1280),
    ("ops", "requests/", "requests-queue", None, 1280),
    ("admin", "sync/", "sync", None, 1280),
    ("admin", "team/", "team", None, 1280),
    ("manager", "feedback/<int:pk>/", "feedback-item", None, 1280),
    ("csm", "notifications/", "notifications", None, 1280),
    ("csm", "tickets/", "dashboard-phone", None, 390),
    ("csm", "", "home-phone", None, 390),
]


def swept_routes() -> list[str]:
    return sorted(
        route
        for route in EXPECTED
        if not route.startswith(SKIPPED_PREFIXES)
        and not route.endswith((".csv", ".json"))  # downloads
        and route not in HTMX_FRAGMENTS
        and route != "admin/login/"
    )


def _session_cookie(user, live_server) -> dict:
    from tests.hardening.world import session_key_for

    return {"name": "sessionid", "value": session_key_for(user), "url": live_server.url}


# Every handbook link on a page: (key, href, marked), read in the browser.
_HANDBOOK_LINKS_JS = """(base) => Array.from(document.querySelectorAll('a[href]')).filter(a =>
  a.classList.contains('handbook-link') || a.getAttribute('href').startsWith('/handbook/')
  || a.getAttribute('href').startsWith('/support/')
  || (a.href.startsWith(base + '/') && !a.closest('.acc-evidence'))
).map(a => [a.dataset.handbook || '', a.getAttribute('href'), a.classList.contains('handbook-link')])"""


# Pages that are not the portal's layout: an email's own HTML, shown framed in the outbox.
WITHOUT_FOOTER = re.compile(r"^/notifications/outbox/\d+/html/$")


def handbook_link_problems(page, path: str) -> list[str]:
    """Handbook links must be absolute, marked, and the table's link for their key; every page
    of the portal's layout has the footer with the Helpful links."""
    from django.conf import settings

    from csmportal.handbook import HELPFUL_LINKS, handbook_links

    table = handbook_links()
    found = page.evaluate(_HANDBOOK_LINKS_JS, settings.HANDBOOK_BASE_URL)
    problems = []
    for key, href, marked in found:
        if not marked:
            problems.append(f"{path}: a handbook link without the handbook-link mark: {href}")
        elif key not in table:
            problems.append(f"{path}: handbook link with unknown key {key!r}: {href}")
        elif href != table[key]:
            problems.append(f"{path}: handbook link {key!r} is {href}, the table says {table[key]}")
    keys = {key for key, _href, marked in found if marked}
    missing = [key for key in (*HELPFUL_LINKS, "csm_home") if key not in keys]
    if missing and not WITHOUT_FOOTER.match(path):
        problems.append(f"{path}: the footer lacks the handbook's links {missing}")
    return problems


# The page's horizontal overflow, if any: how wide, and the element that reaches furthest past
# the right edge (its box or its own text), innermost first: the one that is too wide, not the
# boxes around it. What a scrolling box clips does not count. Named by tag, id and classes, with
# the nearest ancestor that has an id.
_OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + Array.from(el.classList).slice(0, 3).map(c => '.' + c).join('');
  const past = new Map();
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    const visible = getComputedStyle(el).overflowX === 'visible';
    const reach = box.left + Math.max(box.width, visible ? el.scrollWidth : 0);
    if (reach > width + 0.5 && !clipped(el)) past.set(el, {reach, width: box.width});
  }
  const outer = new Set();
  for (const el of past.keys()) {
    for (let up = el.parentElement; up; up = up.parentElement) outer.add(up);
  }
  let found = null;
  for (const [el, it] of past) {
    if (!outer.has(el) && (!found || it.reach > found.reach)) found = {el, ...it};
  }
  if (!found) return {scrollWidth: root.scrollWidth, clientWidth: width, element: '(none found)'};
  const holder = found.el.parentElement && found.el.parentElement.closest('[id]');
  return {
    scrollWidth: root.scrollWidth, clientWidth: width,
    element: name(found.el) + (holder ? ' in #' + holder.id : ''),
    elementWidth: Math.round(found.width), right: Math.round(found.reach),
    text: (found.el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60),
  };
}"""


def overflow_problem(page, path: str, label: str = "") -> str | None:
    """A sentence naming the page and its widest element if the page is wider than the screen."""
    found = page.evaluate(_OVERFLOW_JS)
    if not found:
        return None
    width = page.viewport_size["width"] if page.viewport_size else "?"
    where = f"{path} at {width} px{label}"
    if "elementWidth" not in found:
        return f"{where}: wider than the screen ({found['scrollWidth']} > {found['clientWidth']} px)"
    return (
        f"{where}: wider than the screen ({found['scrollWidth']} > {found['clientWidth']} px); "
        f"widest element {found['element']}: {found['elementWidth']} px wide, reaching "
        f"{found['right']} px ({found['text']!r})"
    )


def phone_width_problems(page, path: str) -> list[str]:
    """At 390 px: the page as it opens, then with its menu and its filters opened (reported only
    if the page as it opens fits)."""
    as_opened = overflow_problem(page, path)
    if as_opened:
        return [as_opened]
    problems: list[str | None] = []
    menu = page.locator("[data-menu-button]")
    if menu.count() and menu.first.is_visible():
        menu.first.click()
        problems.append(overflow_problem(page, path, " (menu open)"))
        menu.first.click()
    buttons = page.locator("[data-filters-button]")
    for index in range(buttons.count()):
        if buttons.nth(index).is_visible() and buttons.nth(index).get_attribute("aria-expanded") != "true":
            buttons.nth(index).click()
    if buttons.count():
        problems.append(overflow_problem(page, path, " (filters open)"))
    return [p for p in problems if p]


def swept_pages(world, persona: str) -> list[tuple[str, str, str]]:
    """(route, path, expected answer: "ok" or "403") of every page `persona` is swept on."""
    column = PERSONA_COLUMNS.index(persona)
    pages = []
    for route in swept_routes():
        expected = EXPECTED[route][0].split()[column]
        if expected in ("ok", "403"):
            pages.append((route, concrete_path(route, world), expected))
    return pages


# What the refused page says: the portal's 403 page, and its 404 page.
REFUSED_PAGE = {403: ("have access to this page", "no role yet"), 404: ("There is nothing at this address",)}

# A further check of every page the sweep opens: (page, path, the htmx answers since it was
# opened) -> problems. It may act on the page (type in a search box) after the sweep's checks.
PageCheck = Callable[[Page, str, list[Response]], list[str]]


def sweep(
    browser: Browser,
    live_server,
    world,
    persona: str,
    pages: list[tuple[str, str, str]] | None = None,
    check: PageCheck | None = None,
) -> tuple[list[str], int]:
    """Open `pages` (every page of the matrix by default) as `persona`. An expected "403" or
    "404" must be the portal's own page for it."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.add_cookies([_session_cookie(world.users[persona], live_server)])
    problems: list[str] = []
    watch_csp(context, problems)
    page = context.new_page()
    page.set_default_timeout(15_000)
    allowed_status: dict[str, int] = {}  # the URL being opened -> the status expected for it
    fragments: list[Response] = []  # the htmx answers since the page was opened
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "requestfailed",
        lambda r: (
            None if "ERR_ABORTED" in (r.failure or "") else problems.append(f"failed: {r.url} {r.failure}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 and allowed_status.get(r.url) != r.status
            else None
        ),
    )
    page.on("response", lambda r: fragments.append(r) if r.request.headers.get("hx-request") else None)
    visited = 0
    for route, path, expected in swept_pages(world, persona) if pages is None else pages:
        url = live_server.url + path
        allowed_status.clear()
        fragments.clear()
        refused = int(expected) if expected.isdigit() else 0
        if refused:
            allowed_status[url] = refused
        before = len(problems)
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        visited += 1
        if refused:
            # The browser logs the refused document itself as a console error: that one is expected.
            problems[before:] = [p for p in problems[before:] if f"status of {refused}" not in p]
            if response is None or response.status != refused:
                problems.append(f"{path}: expected the {refused} page, got {response and response.status}")
            elif not any(words in page.content() for words in REFUSED_PAGE[refused]):
                problems.append(f"{path}: the {refused} answer is not the portal's {refused} page")
        elif response is None or response.status >= 400:
            problems.append(f"{path}: {response and response.status}")
        elif (response.headers.get("content-type") or "").startswith("text/html"):
            problems.extend(handbook_link_problems(page, path))
        if response is not None and (response.headers.get("content-type") or "").startswith("text/html"):
            problems.extend(_at_both_widths(page, persona, route, path))
            if check is not None:
                problems.extend(check(page, path, fragments))
        problems[before:] = [f"{persona} on {path}: {p}" for p in problems[before:]]
    context.close()
    return problems, visited


def _at_both_widths(page, persona: str, route: str, path: str) -> list[str]:
    """The page as opened (1280 px), then at 390 px: overflow problems; screenshots at each."""
    problems = [p for p in [overflow_problem(page, path)] if p]
    _screenshots(page, persona, route, DESKTOP["width"])
    page.set_viewport_size(PHONE)
    _screenshots(page, persona, route, PHONE["width"])
    problems.extend(phone_width_problems(page, path))
    page.set_viewport_size(DESKTOP)
    return problems


def _screenshots(page, persona: str, route: str, width: int) -> None:
    for shot_persona, shot_route, name, anchor, shot_width in SCREENSHOTS:
        if (shot_persona, shot_route, shot_width) == (persona, route, width):
            if anchor:
                page.locator(anchor).scroll_into_view_if_needed()
                page.evaluate("window.scrollBy(0, -150)")
            _save(page, name)
            if anchor:
                page.evaluate("window.scrollTo(0, 0)")


def _save(page, name: str) -> None:
    targets = [ROOT / "var" / "screenshots" / f"sweep-{name}.png"]
    if os.environ.get("HARDENING_SCREENSHOTS") == "docs":
        targets.append(ROOT / "docs" / "screenshots" / f"{name}.png")
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))  # the viewport: 1280x900 or 390x844


@pytest.mark.parametrize("persona", ROLES)
def test_every_page_opens_cleanly_for_each_role(browser, live_server, synced_world, persona):
    problems, visited = sweep(browser, live_server, synced_world, persona)
    assert visited >= 10 or persona == "no_role", f"{persona} swept only {visited} pages"
    assert not problems, "\n".join(problems)


# The admin's list, change and add pages, with its JavaScript widgets: prepopulated fields (email
# template key), inlines (checklist template steps), the two-box selector (group permissions)
# and the calendar (rotation week).
ADMIN_PAGES = (
    "/admin/",
    "/admin/accounts/account/",
    "/admin/accounts/account/{account}/change/",
    "/admin/accounts/emailtemplate/add/",
    "/admin/accounts/checklisttemplate/add/",
    "/admin/auth/group/add/",
    "/admin/feedback/rotationweek/add/",
    "/admin/users/user/",
    "/admin/users/user/{user}/change/",
)


def test_the_admin_opens_without_console_errors_or_csp_violations(browser, live_server, admin_user):
    from tests.factories import AccountFactory
    from tests.hardening.world import session_key_for

    account = AccountFactory()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session_key_for(admin_user), "url": live_server.url}])
    page, problems = watched_page(context)
    for path in ADMIN_PAGES:
        path = path.format(account=account.pk, user=admin_user.pk)
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        if path.endswith("/rotationweek/add/"):
            page.click(".datetimeshortcuts a:has-text('Today')")  # the calendar's JavaScript
    context.close()
    assert not problems, "\n".join(problems)


def test_the_login_and_account_pages_open_without_csp_violations(browser, live_server):
    """allauth's pages under /auth/ (the sweep above leaves them out), anonymous and logged in,
    and the portal's 404 page; none wider than a phone's screen."""
    from tests.factories import UserFactory

    csm = UserFactory(roles=["CSM"])
    # auth/social/ are allauth's old addresses, redirects to the auth/3rdparty/ pages visited here.
    routes = sorted(
        r for r in EXPECTED if r.startswith("auth/") and not r.startswith("auth/social/") and "(?P<" not in r
    )
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page, problems = watched_page(context)
    visited = []
    for persona in ("anonymous", "csm"):
        if persona == "csm":
            context.add_cookies([_session_cookie(csm, live_server)])
        column = PERSONA_COLUMNS.index(persona)
        for route in routes:
            if EXPECTED[route][0].split()[column] != "ok":
                continue
            response = page.goto("/" + route)
            page.wait_for_load_state("networkidle")
            assert response is not None and response.status < 400, f"{persona} on {route}"
            visited.append(route)
            page.set_viewport_size(PHONE)  # a phone: nothing wider than the screen
            problems.extend(p for p in [overflow_problem(page, "/" + route)] if p)
            page.set_viewport_size(DESKTOP)
    page.expect_http_errors = True
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert "There is nothing at this address" in page.content()
    context.close()
    assert len(visited) >= 15, visited
    assert not [p for p in problems if "status of 404" not in p], "\n".join(problems)


def test_every_screenshot_is_of_a_page_the_sweep_opens():
    """A screenshot whose route was renamed would silently stay stale in the README."""
    routes = set(swept_routes())
    columns = {persona: PERSONA_COLUMNS.index(persona) for persona in ROLES}
    for persona, route, name, _anchor, _width in SCREENSHOTS:
        assert route in routes, f"{name}: {route} is not swept"
        assert EXPECTED[route][0].split()[columns[persona]] == "ok", f"{name}: {persona} may not open {route}"


def test_the_handbook_link_check_finds_bad_links(browser):
    """The sweep's check can fail: relative, unmarked, unknown and stale handbook links."""
    from django.template import Context, Template

    footer = Template('{% include "_handbook_footer.html" %}').render(Context({}))
    context = browser.new_context()
    page = context.new_page()
    page.set_content(footer)
    assert handbook_link_problems(page, "/ok/") == []
    page.set_content(
        footer
        + '<a href="/handbook/support/">relative</a>'
        + '<a href="https://about.gitlab.com/support/">unmarked</a>'
        + '<a class="handbook-link" data-handbook="nope" href="https://about.gitlab.com/x/">unknown</a>'
        + '<a class="handbook-link" data-handbook="sla" href="https://about.gitlab.com/old/">stale</a>'
    )
    problems = handbook_link_problems(page, "/bad/")
    context.close()
    assert len(problems) == 4, problems
    page_without_footer = "<p>no footer</p>"
    context = browser.new_context()
    page = context.new_page()
    page.set_content(page_without_footer)
    assert any("footer lacks" in p for p in handbook_link_problems(page, "/bare/"))
    context.close()


def test_the_overflow_check_names_what_is_too_wide(browser):
    """The sweep's overflow check can fail, and names the culprit: an element wider than the
    screen, or a line of text that does not wrap; what a scrolling box clips does not count."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content('<main id="main"><div class="scroller"><table class="wide"></table></div></main>')
    page.add_style_tag(content=".scroller { overflow-x: auto } table.wide { width: 900px; height: 10px }")
    assert overflow_problem(page, "/fits/") is None
    page.set_content('<main id="main"><div class="card"><canvas class="chart" width="600"></div></main>')
    problem = overflow_problem(page, "/wide/")
    assert problem and problem.startswith("/wide/ at 390 px: wider than the screen"), problem
    assert "widest element canvas.chart in #main: 600 px wide" in problem, problem
    page.set_content('<main id="main"><div class="note" id="n">' + "word " * 200 + "</div></main>")
    page.add_style_tag(content=".note { white-space: nowrap }")
    problem = overflow_problem(page, "/text/")
    assert problem and "widest element div#n.note" in problem and "'word word" in problem, problem
    context.close()
