"""The browser sweep with a restricted second Zendesk instance (docs/instances.md, Access).

The synced world of the sweep (tests/browser/test_sweep.py) gets rows in the restricted instance
``usgov`` on the CSM persona's account: an organization, a requester, two open tickets (one
under its own number, one under the number of the world's ticket), a comment, a bad rating, a
feedback item, a notes request and a notification. Every one of them carries ``MARK`` in its
words, followed by ``HIDDEN`` (a word the test never types), and numbers no other row has
(``NUMBERS``).

The account's CSM is swept twice in one test, on the same data: first not cleared for
``usgov``, then cleared.

- Not cleared: on every page of the sweep, and after every htmx answer (those the page loads,
  and those its search boxes bring when the mark and the restricted ticket's number are typed
  in them), neither the page (its text and markup) nor any htmx answer holds the mark, the
  hidden word or a restricted number (but for the term just typed, which a page may echo), and
  no link, htmx address or form action leads to a restricted row (its portal page or its
  instance's agent host). The restricted rows' own pages are the portal's 404 page.
- Cleared: the same pages open as cleanly, the restricted rows' pages open, and the hidden word
  (what a page shows of a row, never what a person typed) is on the ticket dashboard (as it
  opens and when the mark is searched for), the account page and the restricted tickets' pages.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, Response

from notifications.models import Delivery, Notification
from notifications.models import EmailStatus as NotificationEmailStatus
from tests.browser.test_sweep import sweep, swept_pages
from tests.factories import (
    CommentFactory,
    FeedbackFactory,
    OrganizationFactory,
    RatingFactory,
    SupportUserFactory,
    TicketFactory,
)
from tests.factories.supportops import NotesRequestFactory
from tests.hardening.world import World
from tests.instances.restricted import USGOV, USGOV_SETTINGS, clear, restrict

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MARK = "Quorvane"  # in every restricted row's words, in no other row; typed in search boxes
HIDDEN = "Tessaly"  # after MARK in every restricted row's words; never typed
ROW = f"{MARK} {HIDDEN}"
TICKET_NUMBER = 93117042
ORG_NUMBER = 93117880
REQUESTER_NUMBER = 93117990
NUMBERS = (TICKET_NUMBER, ORG_NUMBER, REQUESTER_NUMBER)
AGENT_HOST = f"{USGOV_SETTINGS[USGOV]['subdomain']}.zendesk.com"
# Typed in every search box (and the forward form's ticket field) of every page.
PROBES = (MARK, str(TICKET_NUMBER))
SEARCH_BOXES = "form[hx-get] input[name=q]:visible, input#id_ticket:visible"

# Every link-like address on the page: links, htmx addresses, form actions.
_ADDRESSES_JS = """() => Array.from(document.querySelectorAll('a[href], [hx-get], [hx-post], form[action]'))
  .map(el => el.href || el.getAttribute('hx-get') || el.getAttribute('hx-post') || el.action || '')"""
# Wait for htmx to swap in the answer to the next request (or give up after 3 s).
_NEXT_SWAP_JS = """() => { window.__swapped = new Promise(done => {
  document.body.addEventListener('htmx:afterSettle', done, {once: true}); setTimeout(done, 3000); }); }"""


def restricted_rows(world: World) -> dict:
    """The restricted instance's rows on the CSM persona's account."""
    csm = world.users["csm"]
    org = OrganizationFactory(
        account=world.account, zd_id=ORG_NUMBER, zd_instance=USGOV, name=f"{ROW} Federal Systems"
    )
    person = SupportUserFactory(
        organization=org,
        zd_id=REQUESTER_NUMBER,
        zd_instance=USGOV,
        name=f"Dana {ROW}",
        email=f"dana@{MARK.lower()}.example",
    )
    # Of the requester's instance; the first past its SLA (on the home page).
    overdue = timezone.now() - dt.timedelta(hours=2)
    ticket = TicketFactory(
        zd_id=TICKET_NUMBER, requester=person, subject=f"{ROW} audit export stalls", sla_due_at=overdue
    )
    twin = TicketFactory(zd_id=world.ticket.zd_id, requester=person, subject=f"{ROW} registry mirror down")
    CommentFactory(ticket=ticket, body=f"{ROW} logs attached")
    rating = RatingFactory(ticket=ticket, zd_instance=USGOV, score="bad", comment=f"{ROW}: nobody answered")
    feedback = FeedbackFactory(
        ticket=ticket, account=world.account, forwarded_by=csm, customer_words=f"{ROW} feedback words"
    )
    request = NotesRequestFactory(organization=org, requested_by=csm, notes=f"{ROW} notes")
    notification = Notification.objects.create(
        ticket=ticket,
        zd_instance=USGOV,
        recipient=csm,
        reason="csm",
        delivery=Delivery.IMMEDIATE,
        email_status=NotificationEmailStatus.SENT,
    )
    return {
        "org": org,
        "ticket": ticket,
        "twin": twin,
        "rating": rating,
        "feedback": feedback,
        "request": request,
        "notification": notification,
    }


def own_pages(rows: dict) -> list[tuple[str, str]]:
    """(name, path) of the restricted rows' own pages."""
    org = rows["org"].pk
    return [
        ("restricted ticket", rows["ticket"].get_absolute_url()),
        ("restricted twin", rows["twin"].get_absolute_url()),
        ("restricted ticket by id", f"/tickets/id/{rows['ticket'].pk}/"),
        ("restricted feedback", f"/feedback/{rows['feedback'].pk}/"),
        ("restricted request", f"/requests/{rows['request'].pk}/"),
        ("restricted notification", f"/notifications/{rows['notification'].pk}/"),
        ("restricted org's correction", f"/requests/new/correction/{org}/"),
        ("restricted org's notes", f"/requests/new/notes/{org}/"),
    ]


def forbidden_paths(world: World, rows: dict) -> list[str]:
    """Portal paths that lead to a restricted row (and whatever is under them)."""
    return [path for _name, path in own_pages(rows)] + [
        f"/tickets/{USGOV}/",
        f"/tickets/id/{rows['twin'].pk}/",
        f"/feedback/ratings/{rows['rating'].pk}/",
        f"/accounts/{world.account.pk}/organizations/{rows['org'].pk}/",
    ]


def leaks(text: str, typed: str = "") -> list[str]:
    """The restricted rows' words and numbers in `text`, but for what was just typed."""
    return [term for term in (MARK, HIDDEN, *map(str, NUMBERS)) if term != typed and term in text]


def same_document(address: str, page: Page) -> bool:
    """A link to the page itself (the skip link to #main): it leads nowhere new."""
    return urlsplit(address)._replace(fragment="") == urlsplit(page.url)._replace(fragment="")


def swap(page: Page, box: Locator, term: str) -> None:
    """Type `term` in a search box and wait for htmx to swap the answer in."""
    page.evaluate(_NEXT_SWAP_JS)
    with page.expect_response(lambda r: bool(r.request.headers.get("hx-request")) and term in unquote(r.url)):
        box.fill(term)
    page.evaluate("() => window.__swapped")


class Uncleared:
    """The check of every page for a person not cleared: nothing of the restricted rows."""

    def __init__(self, world: World, rows: dict) -> None:
        self.forbidden = forbidden_paths(world, rows)
        self.probed = 0  # searches typed

    def __call__(self, page: Page, path: str, fragments: list[Response]) -> list[str]:
        problems = self.page_problems(page, "as opened") + self.answer_problems(fragments)
        for box in range(page.locator(SEARCH_BOXES).count()):
            for term in PROBES:
                fragments.clear()
                swap(page, page.locator(SEARCH_BOXES).nth(box), term)
                self.probed += 1
                problems += self.page_problems(page, f"after searching {term!r}", term)
                problems += self.answer_problems(fragments, term)
        return problems

    def page_problems(self, page: Page, when: str, typed: str = "") -> list[str]:
        problems = [f"{when}: the page holds {term!r}" for term in leaks(page.content(), typed)]
        for address in page.evaluate(_ADDRESSES_JS):
            parts = urlsplit(address)
            if same_document(address, page):
                continue
            if parts.hostname == AGENT_HOST or any(unquote(parts.path).startswith(p) for p in self.forbidden):
                problems.append(f"{when}: a link to a restricted row: {address}")
            elif leaks(unquote(address), typed):
                problems.append(f"{when}: a link naming a restricted row: {address}")
        return problems

    @staticmethod
    def answer_problems(fragments: list[Response], typed: str = "") -> list[str]:
        problems = []
        for answer in fragments:
            found = leaks(answer.text(), typed) if answer.ok else []
            problems += [f"the htmx answer {answer.url} holds {term!r}" for term in found]
        return problems


class Cleared:
    """For a cleared person: note where the restricted rows show (as opened, and when searched)."""

    def __init__(self) -> None:
        self.shown: set[str] = set()
        self.found_by_search: set[str] = set()

    def __call__(self, page: Page, path: str, fragments: list[Response]) -> list[str]:
        if HIDDEN in page.content():
            self.shown.add(path)
        boxes = page.locator(SEARCH_BOXES)
        if boxes.count():
            swap(page, boxes.first, MARK)
            if HIDDEN in page.locator("main").inner_text():
                self.found_by_search.add(path)
        return []


def test_the_sweep_as_an_uncleared_and_a_cleared_csm(browser, live_server, synced_world, settings):
    restrict(settings)
    world = synced_world
    rows = restricted_rows(world)
    pages = swept_pages(world, "csm")
    restricted = own_pages(rows)

    uncleared = Uncleared(world, rows)
    refused = [(name, path, "404") for name, path in restricted]
    problems, visited = sweep(browser, live_server, world, "csm", pages + refused, uncleared)
    assert not problems, "\n".join(problems)
    assert visited == len(pages) + len(restricted)
    assert uncleared.probed >= 2 * 8, f"only {uncleared.probed} searches typed"

    clear(world.users["csm"])
    cleared = Cleared()
    opened = [(name, path, "ok") for name, path in restricted]
    problems, _ = sweep(browser, live_server, world, "csm", pages + opened, cleared)
    assert not problems, "\n".join(problems)
    for path in (
        "/tickets/",
        f"/accounts/{world.account.pk}/",
        *(rows[t].get_absolute_url() for t in ("ticket", "twin")),
    ):
        assert path in cleared.shown, f"the cleared CSM does not see the restricted rows on {path}"
    assert "/tickets/" in cleared.found_by_search, (
        "the cleared CSM's search does not find the restricted ticket"
    )
