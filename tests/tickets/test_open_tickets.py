""" "Open tickets" means one thing: not solved, closed or deleted (Ticket.objects.open()). Every
count of tickets a page shows links to the ticket list filtered to exactly those tickets, and
the list behind the link has as many rows as the count says."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tests.factories import AccountFactory, OrganizationFactory, TicketFactory
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


class CountLinks(HTMLParser):
    """Every link to the ticket list whose text starts with a number: (number, href)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/tickets/?"):
            self._href, self._text = href, []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            number = re.match(r"\s*(\d[\d,]*)", " ".join(self._text))
            if number:
                self.found.append((int(number.group(1).replace(",", "")), self._href))
            self._href = None


def count_links(body: str) -> list[tuple[int, str]]:
    parser = CountLinks()
    parser.feed(body)
    return parser.found


def rows_behind(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.object_list) == min(page.paginator.count, 50)
    return page.paginator.count


@pytest.fixture
def account(csm):
    """An account with tickets in every status, deleted ones too, some opened long ago; beside
    it, a ticket of another CSM's account and one linked to no account."""
    account = AccountFactory(csm=csm, name="Aurora Analytics AG")
    org = OrganizationFactory(account=account, name="Aurora Analytics")
    long_ago = timezone.now() - dt.timedelta(days=400)
    for status in Status.values:
        TicketFactory(requester__organization=org, status=status)
        TicketFactory(requester__organization=org, status=status, zd_created_at=long_ago)
    TicketFactory(requester__organization=org, status=Status.PENDING)
    other = OrganizationFactory(account=AccountFactory(name="Borealis"))
    TicketFactory(requester__organization=other, status=Status.OPEN)
    TicketFactory(requester__organization=None, status=Status.NEW)
    return account


def test_open_means_not_solved_closed_or_deleted(account):
    statuses = set(Ticket.objects.open().filter(account=account).values_list("status", flat=True))
    assert statuses == {Status.NEW, Status.OPEN, Status.PENDING, Status.HOLD}
    assert Ticket.objects.open().filter(account=account).count() == 9
    assert not Ticket.objects.live().filter(status=Status.DELETED).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/{pk}/",  # the open tickets stat, the ticket review panel
        "/accounts/",  # the portfolio's row and its total (a CSM's own accounts)
        "/tickets/accounts/{pk}/review/",  # tickets opened in the period, open tickets
        "/tickets/accounts/{pk}/review/?weeks=4",
        "/feedback/accounts/{pk}/cadence/",  # before the cadence call
    ],
)
def test_every_count_links_to_exactly_the_tickets_it_counts(csm_client, account, url):
    body = csm_client.get(url.format(pk=account.pk)).content.decode()
    links = count_links(body)
    assert links, "no count links to the ticket list"
    for number, href in links:
        assert rows_behind(csm_client, href) == number, href


def test_every_page_shows_the_same_number_of_open_tickets(csm_client, account):
    opened = Ticket.objects.open().filter(account=account).count()
    open_link = f"account={account.pk}&amp;status=unsolved"
    pages = ("/accounts/{}/", "/accounts/", "/tickets/accounts/{}/review/", "/feedback/accounts/{}/cadence/")
    for url in (page.format(account.pk) for page in pages):
        body = csm_client.get(url).content.decode()
        shown = [n for n, href in count_links(body) if "status=unsolved" in href and "account=" in href]
        assert shown and set(shown) == {opened}, url
        assert open_link in body
        assert "still open" not in body


def test_the_ticket_list_calls_the_same_tickets_open(csm_client, account):
    response = csm_client.get(f"/tickets/?account={account.pk}&csm=any&status=unsolved")
    assert {t.status for t in response.context["page"].object_list} == {"new", "open", "pending", "hold"}
    assert "Open (new, open, pending or on hold)" in response.content.decode()
    assert "Not solved" not in response.content.decode()
