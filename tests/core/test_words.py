"""The portal says the same thing the same way on every page: one date format, one name for
the collaboration project ID, "Export CSV" on every export link.

Every page of the portal (every GET route of the resolver, on the hardening world's real
objects) is read as its users read it: the visible text, without the attributes, scripts and
the quoted texts (`<pre>`: a request's text in the handbook's words, email bodies) that are
not the portal's own words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.hardening.routes import all_routes, concrete_path, is_admin_route
from tests.hardening.world import build_world

pytestmark = pytest.mark.django_db

# Pages that are no page of the portal's own: the sign-in flow, machine endpoints, downloads.
SKIP = ("auth/", "webhooks/", "healthz", "go/redirector.json", "_errors/")
QUOTED = {"pre", "script", "style", "textarea", "title", "code"}

# "Tue 8 Dec 2026" (with ", 17:00" for a time): the portal's one date format.
PORTAL_DATE = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}\b")
OTHER_DATES = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b"  # 2026-12-08
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"  # 08/12/2026 or 12/8/26
    r"|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}"  # 8 Dec 2026 17:00
    r"|\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b"  # Tuesday 8 December
    r"|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{1,2}, \d{4}\b"  # Dec. 8, 2026
)
# Other names people used for the org's `am_project_id`.
OTHER_NAMES = re.compile(
    r"(?i:\bCPID\b|collab project|collaboration project \(AM\) ID|AM project ID)"
    r"|\bAM id\b|(?<!Customer )Collaboration Project ID"
)
FIRST_NAMING = "Collaboration project ID (AM ID)"


class Reader(HTMLParser):
    """A page's visible text, outside quoted texts, and its links with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[tuple[str, list[str]]] = []
        self._quoted = 0
        self._in_link = False

    def handle_starttag(self, tag, attrs):
        if tag in QUOTED:
            self._quoted += 1
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", []))
            self._in_link = True

    def handle_endtag(self, tag):
        if tag in QUOTED and self._quoted:
            self._quoted -= 1
        if tag == "a":
            self._in_link = False

    def handle_data(self, data):
        if self._quoted:
            return
        self.text.append(data)
        if self._in_link:
            self.links[-1][1].append(data)


def read(html: str) -> Reader:
    reader = Reader()
    reader.feed(html)
    return reader


@pytest.fixture
def pages():
    """path -> HTML of every page of the portal, as the admin (who may see every page) and as
    the account's CSM (who sees their own version of some)."""
    world = build_world()
    read_pages = {}
    routes = sorted({r for r, _ in all_routes() if not is_admin_route(r) and not r.startswith(SKIP)})
    for persona in ("admin", "csm"):
        client = Client()
        client.force_login(world.users[persona])
        for route in routes:
            path = concrete_path(route, world)
            response = client.get(path, follow=True)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                read_pages[f"{path} as {persona}"] = response.content.decode()
    assert len(read_pages) > 40  # every page, not a few
    return read_pages


def test_every_export_link_reads_export_csv(pages):
    exports = {route for route, _ in all_routes() if route.endswith(".csv")}
    linked, wrong = set(), []
    for where, html in pages.items():
        for href, words in read(html).links:
            if ".csv" in href.split("?")[0]:
                linked.add(href.split("?")[0])
                if " ".join("".join(words).split()) != "Export CSV":
                    wrong.append(f"{where}: {href} reads {''.join(words).strip()!r}")
    assert not wrong, "\n".join(wrong)
    assert len(linked) >= len(exports) == 6, (linked, exports)  # each export, on its list page


def test_every_page_writes_dates_one_way(pages):
    seen, wrong = 0, []
    for where, html in pages.items():
        text = " ".join(read(html).text)
        seen += len(PORTAL_DATE.findall(text))
        wrong += [f"{where}: {m.group(0)!r}" for m in OTHER_DATES.finditer(text)]
    assert not wrong, "dates in another format:\n" + "\n".join(wrong)
    assert seen > 20  # the pages do show dates, in the one format


def test_the_collaboration_project_id_has_one_name(pages):
    """Named "Collaboration project ID (AM ID)" at most once a page (where it is introduced),
    "collaboration project ID" everywhere else; no other name."""
    wrong, named = [], []
    for where, html in pages.items():
        text = " ".join(" ".join(read(html).text).split())
        wrong += [f"{where}: {m.group(0)!r}" for m in OTHER_NAMES.finditer(text)]
        firsts = len(re.findall(re.escape(FIRST_NAMING), text, re.IGNORECASE))
        if firsts > 1:
            wrong.append(f"{where}: says {FIRST_NAMING!r} {firsts} times")
        named += [where] if firsts else []
        alone = re.sub(re.escape(FIRST_NAMING), "", text, flags=re.IGNORECASE).count("AM ID")
        if alone:
            wrong.append(f"{where}: 'AM ID' {alone} times outside {FIRST_NAMING!r}")
    assert not wrong, "\n".join(wrong)
    assert any(w.startswith("/accounts/") for w in named) and any(w.startswith("/requests/") for w in named)
