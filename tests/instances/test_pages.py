"""The access rule on the tickets, accounts and contacts pages (docs/instances.md, Access).

One account has the same rows in the global instance and in the restricted ``usgov`` one, with
the same ticket, organization and user numbers. Its CSM is either not cleared for ``usgov``:
then nothing of it exists for them (404s, no row, no count, no CSV line, no search result); or
cleared: then they see both instances' rows.
"""

import csv
import io
import re

import pytest
from django.test import Client

from accounts.models import Account
from feedback.models import Score
from tests.factories import (
    AccountFactory,
    CommentFactory,
    OrganizationFactory,
    RatingFactory,
    SupportUserFactory,
    TicketFactory,
)
from tests.instances.restricted import USGOV, clear, restrict
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db

SECRET = "Classified enclave"  # words only the restricted instance's rows carry
SHARED_NUMBER = 4242  # a ticket number both instances have
ONLY_RESTRICTED = 4343  # a ticket number only the restricted instance has


class World:
    def __init__(self, account: Account, viewer, cleared: bool, rows: dict) -> None:
        self.account = account
        self.viewer = viewer
        self.cleared = cleared
        self.rows = rows
        self.client = Client()
        self.client.force_login(viewer)

    def expect(self, global_only: int, both: int) -> int:
        """What a count must be: the global instance's alone, or both instances' together."""
        return both if self.cleared else global_only


@pytest.fixture(params=["uncleared", "cleared"])
def world(request, settings, csm) -> World:
    restrict(settings)
    account = AccountFactory(name="Acme Orbital", csm=csm, sold_to_email="buyer@acme.example")
    org = OrganizationFactory(account=account, zd_id=777, name="Acme Orbital", domain_names=["acme.example"])
    hidden_org = OrganizationFactory(
        account=account,
        zd_id=777,
        zd_instance=USGOV,
        name=f"Acme Orbital {SECRET}",
        domain_names=["acme.example"],
    )
    person = SupportUserFactory(zd_id=900, organization=org, email="alice@acme.example", name="Alice")
    hidden_person = SupportUserFactory(
        zd_id=900,
        zd_instance=USGOV,
        organization=hidden_org,
        email="bob@acme.example",
        name=f"Bob {SECRET}",
    )
    ticket = TicketFactory(zd_id=SHARED_NUMBER, requester=person, subject="Pipelines are slow")
    twin = TicketFactory(
        zd_id=SHARED_NUMBER, zd_instance=USGOV, requester=hidden_person, subject=f"{SECRET}: runners down"
    )
    only_hidden = TicketFactory(
        zd_id=ONLY_RESTRICTED, zd_instance=USGOV, requester=hidden_person, subject=f"{SECRET}: audit logs"
    )
    CommentFactory(ticket=ticket, zd_id=1, body="Global comment")
    CommentFactory(ticket=twin, zd_id=1, zd_instance=USGOV, body=f"{SECRET} comment")
    RatingFactory(ticket=ticket, zd_id=5, score=Score.GOOD)
    RatingFactory(ticket=twin, zd_id=5, zd_instance=USGOV, score=Score.BAD, comment=f"{SECRET} rating")
    cleared = request.param == "cleared"
    if cleared:
        clear(csm)
    rows = {"ticket": ticket, "twin": twin, "only_hidden": only_hidden, "hidden_org": hidden_org}
    return World(account, csm, cleared, rows)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response))))[1:]


def shows_secret(world: World, body: str) -> bool:
    """Whether the restricted instance's words are on the page; asserted per persona."""
    seen = SECRET in body
    assert seen == world.cleared, f"restricted rows {'missing' if world.cleared else 'shown'}"
    return seen


# -- the ticket page ------------------------------------------------------------------------


def test_a_restricted_ticket_is_a_404_unless_cleared(world):
    only_hidden = world.client.get(f"/tickets/{USGOV}/{ONLY_RESTRICTED}/")
    named = world.client.get(f"/tickets/{USGOV}/{SHARED_NUMBER}/")
    by_portal_id = world.client.get(f"/tickets/id/{world.rows['twin'].pk}/")
    if world.cleared:
        assert only_hidden.status_code == 200 and SECRET in only_hidden.content.decode()
        assert named.status_code == 200 and f"{SECRET}: runners down" in named.content.decode()
        assert by_portal_id.status_code == 301
        assert by_portal_id["Location"] == f"/tickets/{USGOV}/{SHARED_NUMBER}/"
    else:
        assert only_hidden.status_code == 404  # not 403: it does not exist for them
        assert named.status_code == 404
        assert by_portal_id.status_code == 404


def test_the_shared_number_opens_the_global_ticket_with_its_own_comments_only(world):
    body = text(world.client.get(f"/tickets/{SHARED_NUMBER}/"))
    assert "Pipelines are slow" in body and "Global comment" in body
    assert SECRET not in body  # the other instance's comment on the same number is not this ticket's


# -- the dashboard, its fragment, search and CSV ------------------------------------------------


def listed(body: str) -> list[str]:
    """The dashboard's rows, by the address of their ticket page."""
    return sorted(set(re.findall(r'href="(/tickets/(?:[a-z][a-z0-9]*/)?\d+/)"', body)))


def test_the_dashboard_lists_and_counts_only_visible_tickets(world):
    response = world.client.get("/tickets/?csm=any")
    shows_secret(world, text(response))
    assert response.context["page"].paginator.count == world.expect(1, 3)
    # The htmx fragment (filters changed, next page): the same rows.
    fragment = text(world.client.get("/tickets/?csm=any", HTTP_HX_REQUEST="true"))
    shows_secret(world, fragment)
    expected = [f"/tickets/{SHARED_NUMBER}/"]
    if world.cleared:  # each instance's ticket opens at its own address
        expected += [
            f"/tickets/{USGOV}/{SHARED_NUMBER}/",
            f"/tickets/{USGOV}/{ONLY_RESTRICTED}/",
        ]
    assert listed(fragment) == sorted(expected)


@pytest.mark.parametrize("query", [SECRET, f"#{ONLY_RESTRICTED}", str(ONLY_RESTRICTED)])
def test_search_finds_no_restricted_ticket_unless_cleared(world, query):
    response = world.client.get("/tickets/", {"csm": "any", "q": query})
    assert response.context["page"].paginator.count == world.expect(0, 1 if query != SECRET else 2)


def test_the_csv_export_has_only_visible_rows(world):
    rows = csv_rows(world.client.get("/tickets/export.csv?csm=any"))
    assert sorted(int(row[0]) for row in rows) == sorted(
        [SHARED_NUMBER] + ([SHARED_NUMBER, ONLY_RESTRICTED] if world.cleared else [])
    )


# -- the portfolio ---------------------------------------------------------------------------


def test_portfolio_columns_and_totals_count_only_visible_rows(world):
    response = world.client.get("/accounts/?csm=mine")
    [row] = response.context["page"].object_list
    assert row.open_tickets == world.expect(1, 3)
    assert (row.ratings_good, row.ratings_bad) == (1, world.expect(0, 1))
    assert response.context["stats"]["tickets_open"] == world.expect(1, 3)
    [line] = csv_rows(world.client.get("/accounts/export.csv?csm=mine"))
    assert line[10:13] == [str(world.expect(1, 3)), "1", str(world.expect(0, 1))]


@pytest.mark.postgres  # elsewhere the portfolio runs through the ORM (accounts/portfolio.py)
def test_the_portfolio_sql_compiled_once_is_one_per_set_of_hidden_instances(world):
    """The column SQL is compiled once per process: a cleared and an uncleared user must each
    read their own variant, in either order, never the other's."""
    from accounts import portfolio
    from tests.factories import UserFactory

    uncleared = UserFactory()  # not cleared for usgov, whatever the world's CSM is
    for user, expected in [(uncleared, 1), (world.viewer, world.expect(1, 3)), (uncleared, 1)]:
        [row] = portfolio.portfolio_rows([world.account.pk], user)
        assert row.open_tickets == expected
    hidden_sets = {hidden for alias, hidden in portfolio._compiled if alias == "default"}
    assert frozenset({USGOV}) in hidden_sets
    assert (frozenset() in hidden_sets) or not world.cleared


def test_portfolio_sorts_on_visible_counts(world):
    other = OrganizationFactory(account=AccountFactory(name="Beta Rockets", csm=world.viewer))
    TicketFactory.create_batch(2, requester=SupportUserFactory(organization=other))
    # Beta has 2 open tickets, Acme 1 or 3: Acme sorts first only when usgov's count.
    response = world.client.get("/accounts/?csm=mine&ordering=-open_tickets")
    names = [a.name for a in response.context["page"].object_list]
    assert (names.index("Acme Orbital") == 0) == world.cleared


@pytest.mark.parametrize("query", [SECRET, "777"])
def test_portfolio_search_does_not_match_a_restricted_org(world, settings, query):
    world.rows["hidden_org"].zd_id = 778  # a number only the restricted org has
    world.rows["hidden_org"].save()
    query = "778" if query == "777" else query
    response = world.client.get("/accounts/", {"csm": "any", "q": query})
    assert [a.pk for a in response.context["page"].object_list] == (
        [world.account.pk] if world.cleared else []
    )


def test_a_restricted_org_with_a_mismatch_is_no_finding_for_the_uncleared(world):
    hidden_org = world.rows["hidden_org"]
    hidden_org.technical_account_manager = "Somebody Else"
    hidden_org.save()
    response = world.client.get("/accounts/?csm=mine&problem=csm")
    assert len(response.context["page"].object_list) == world.expect(0, 1)


# -- the account page, its review and its people ----------------------------------------------


def test_the_account_page_shows_only_visible_orgs_and_counts(world):
    response = world.client.get(f"/accounts/{world.account.pk}/")
    body = text(response)
    shows_secret(world, body)
    page = response.context["page"]
    assert len(page.orgs) == world.expect(1, 2)
    assert page.open_tickets == world.expect(1, 3)
    assert (page.ratings_good, page.ratings_bad) == (1, world.expect(0, 1))


def test_the_account_review_counts_only_visible_tickets(world):
    response = world.client.get(f"/tickets/accounts/{world.account.pk}/review/")
    review = response.context["review"]
    assert (review.tickets, review.open_tickets) == (world.expect(1, 3), world.expect(1, 3))


def test_the_cadence_page_shows_only_visible_tickets_and_ratings(world):
    response = world.client.get(f"/feedback/accounts/{world.account.pk}/cadence/")
    shows_secret(world, text(response))
    stats = response.context["stats"]
    assert (stats["open_tickets"], stats["bad"]) == (world.expect(1, 3), world.expect(0, 1))


def test_the_cadence_page_cached_for_a_cleared_reader_is_not_shown_to_an_uncleared_one(world, other_csm):
    """The tickets' section is cached (feedback.cadence.cached_ticket_section): whoever opens the
    page first, the other reader gets the rows of their own clearance."""
    cleared, uncleared = (world.viewer, other_csm) if world.cleared else (other_csm, world.viewer)
    if not world.cleared:
        clear(cleared)
    readers = [(cleared, True), (uncleared, False)]
    for user, sees in readers if world.cleared else readers[::-1]:
        client = Client()
        client.force_login(user)
        for _ in range(2):  # the second answer comes from the cache
            body = text(client.get(f"/feedback/accounts/{world.account.pk}/cadence/?days=30"))
            assert (f"{SECRET}: audit logs" in body) is sees


def test_the_contacts_page_and_csv_show_only_visible_people(world):
    body = text(world.client.get(f"/contacts/account/{world.account.pk}/"))
    assert ("bob@acme.example" in body) == world.cleared
    rows = csv_rows(world.client.get(f"/contacts/account/{world.account.pk}/export.csv"))
    tickets = {row[1]: row[-1] for row in rows}
    assert tickets["alice@acme.example"] == "1"
    assert tickets.get("bob@acme.example") == ("2" if world.cleared else None)


def test_the_education_email_offers_only_visible_people(world):
    body = text(world.client.get(f"/tickets/accounts/{world.account.pk}/education-email/"))
    assert ("bob@acme.example" in body) == world.cleared
    # Another instance's ticket is named by its agent link (a bare number is the global one's).
    restricted = Ticket.objects.get(zd_id=ONLY_RESTRICTED, zd_instance=USGOV)
    teach = world.client.get(
        f"/tickets/accounts/{world.account.pk}/education-email/", {"ticket": restricted.agent_url}
    )
    assert teach.status_code == (200 if world.cleared else 404)


# -- the ticket lookup of the forward-feedback form ---------------------------------------------


@pytest.mark.parametrize("typed", ["agent link", "audit"])
def test_the_ticket_lookup_finds_no_restricted_ticket_unless_cleared(world, typed):
    if typed == "agent link":  # another instance's ticket is named by its agent link
        typed = Ticket.objects.get(zd_id=ONLY_RESTRICTED, zd_instance=USGOV).agent_url
    body = text(world.client.get("/feedback/forward/ticket-lookup/", {"ticket": typed}))
    assert ("audit logs" in body) == world.cleared


def test_deleted_restricted_tickets_stay_out_too(world):
    world.rows["twin"].status = Status.DELETED
    world.rows["twin"].save()
    response = world.client.get("/tickets/?csm=any&status=deleted")
    assert response.context["page"].paginator.count == world.expect(0, 1)
