"""The lists' "Instance" column, filter and CSV column (docs/instances.md, Lists).

With two instances configured (``usgov`` restricted) every list whose rows are Zendesk-keyed
names each row's instance and filters by it: a person cleared for ``usgov`` sees both
instances and may pick either; one not cleared is offered only the global instance, and asking
for ``usgov`` answers exactly as asking for an instance that does not exist. With one instance
the lists have no such column or filter.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.instances.restricted import USGOV, clear, restrict
from tests.instances.two_instances import GLOBAL_TEXT, TICKET_NUMBER, USGOV_TEXT, build

pytestmark = pytest.mark.django_db

INSTANCE_TH = "<th>Instance</th>"


@dataclass(frozen=True)
class Page:
    """A list, its CSV and the filters that show the world's rows on it."""

    path: str
    export: str
    query: dict[str, str]
    who: str  # the fixture whose page it is: "csm", "manager" or "ops"


PAGES = {
    "tickets": Page("/tickets/", "/tickets/export.csv", {"csm": "any"}, "csm"),
    "feedback queue": Page("/feedback/", "/feedback/export.csv", {"status": "all"}, "manager"),
    "feedback (CSM)": Page("/feedback/", "/feedback/export.csv", {"status": "all"}, "csm"),
    "ratings": Page(
        "/feedback/ratings/", "/feedback/ratings/export.csv", {"csm": "any", "period": "all"}, "csm"
    ),
    "requests": Page("/requests/", "/requests/export.csv", {"state": "all"}, "ops"),
}


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def csv_table(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response))))


def options(html: str, name: str = "instance") -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="([^"]*)"', select.group(1)) if select else []


def instance_cells(html: str) -> list[str]:
    """The names in the rows' "Instance" cells, in order."""
    rows = re.findall(r"<tr[ >].*?</tr>", html.split("<tbody>", 1)[1], re.S)
    names = []
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        names += [cell for cell in cells if cell in ("Global", "US Government")]
    return names


def without_tokens(html: str) -> str:
    """The page without its CSRF tokens (64 letters and digits, new on every response)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", html)


def get(client: Client, page: Page, path: str, **extra: str):
    return client.get(path, {**page.query, **extra})


@pytest.fixture
def people(csm, manager, ops):
    return {"csm": csm, "manager": manager, "ops": ops}


@pytest.fixture
def world(settings, people):
    restrict(settings)
    return build(people["csm"])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_a_cleared_person_sees_both_instances_named_and_filters_by_either(name, world, people):
    page = PAGES[name]
    clear(people[page.who])
    client = client_for(people[page.who])
    html = body(get(client, page, page.path))
    assert INSTANCE_TH in html
    assert options(html) == ["", "global", USGOV]
    assert sorted(instance_cells(html)) == ["Global", "US Government"]
    assert GLOBAL_TEXT in html and USGOV_TEXT in html
    only_usgov = body(get(client, page, page.path, instance=USGOV))
    assert instance_cells(only_usgov) == ["US Government"]
    assert USGOV_TEXT in only_usgov and GLOBAL_TEXT not in only_usgov
    only_global = body(get(client, page, page.path, instance="global"))
    assert instance_cells(only_global) == ["Global"] and USGOV_TEXT not in only_global
    # The CSV: an "Instance" column, and the filter.
    header, *rows = csv_table(get(client, page, page.export))
    column = header.index("Instance")
    assert sorted(row[column] for row in rows) == ["Global", "US Government"]
    header, *rows = csv_table(get(client, page, page.export, instance=USGOV))
    assert [row[column] for row in rows] == ["US Government"]


@pytest.mark.parametrize("name", PAGES)
def test_an_uncleared_person_is_offered_only_the_global_instance(name, world, people):
    page = PAGES[name]
    client = client_for(people[page.who])
    html = body(get(client, page, page.path))
    assert INSTANCE_TH in html
    assert options(html) == ["", "global"]
    assert instance_cells(html) == ["Global"]
    assert USGOV_TEXT not in html and "US Government" not in html
    header, *rows = csv_table(get(client, page, page.export))
    assert [row[header.index("Instance")] for row in rows] == ["Global"]


@pytest.mark.parametrize("name", PAGES)
def test_asking_for_a_hidden_instance_answers_as_an_unknown_one_does(name, world, people):
    page = PAGES[name]
    client = client_for(people[page.who])
    hidden = body(get(client, page, page.path, instance=USGOV))
    unknown = body(get(client, page, page.path, instance="nosuch"))
    assert USGOV_TEXT not in hidden and "US Government" not in hidden
    assert "Select a valid choice" in hidden
    assert without_tokens(hidden.replace(USGOV, "nosuch")) == without_tokens(unknown)
    hidden_csv = body(get(client, page, page.export, instance=USGOV))
    assert hidden_csv == body(get(client, page, page.export, instance="nosuch"))
    assert USGOV_TEXT not in hidden_csv


@pytest.mark.parametrize("name", PAGES)
def test_with_one_instance_no_list_names_an_instance(name, people):
    page = PAGES[name]
    build(people["csm"])  # its usgov rows: an instance no longer configured
    client = client_for(people[page.who])
    html = body(get(client, page, page.path))
    assert INSTANCE_TH not in html and 'name="instance"' not in html
    assert "Global" not in html
    header, *_rows = csv_table(get(client, page, page.export))
    assert "Instance" not in header
    # The parameter is no filter then: the list is as without it.
    assert body(get(client, page, page.path, instance=USGOV)).count("<tr") == html.count("<tr")


def test_a_number_in_both_instances_is_told_apart_by_the_instance_column(world, people):
    clear(people["csm"])
    client = client_for(people["csm"])
    html = body(client.get("/tickets/", {"csm": "any", "q": f"#{TICKET_NUMBER}"}))
    assert sorted(instance_cells(html)) == ["Global", "US Government"]
    assert f'href="/tickets/{TICKET_NUMBER}/"' in html
    assert f'href="/tickets/{USGOV}/{TICKET_NUMBER}/"' in html
    ratings = body(client.get("/feedback/ratings/", {"csm": "any", "period": "all", "q": str(TICKET_NUMBER)}))
    assert f'href="/tickets/{USGOV}/{TICKET_NUMBER}/"' in ratings  # its own instance's ticket


def test_instance_names_are_escaped(settings, people):
    restrict(settings)
    settings.ZENDESK_EXTRA_INSTANCES = {
        USGOV: {**settings.ZENDESK_EXTRA_INSTANCES[USGOV], "restricted": False, "name": "<b>Gov</b>"}
    }
    build(people["csm"])
    html = body(client_for(people["csm"]).get("/tickets/", {"csm": "any"}))
    assert "&lt;b&gt;Gov&lt;/b&gt;" in html and "<b>Gov</b>" not in html


# -- lists written by templates, the account's pages and the portfolio ---------------------------


def notify_both(world, user) -> None:
    """A new-ticket notification and a no-recipient finding for each instance's ticket."""
    from notifications.models import Delivery, EmailStatus, Finding, FindingReason, Notification, Reason

    for side in (world.glob, world.usgov):
        Notification.objects.create(
            ticket=side.ticket,
            recipient=user,
            reason=Reason.CSM,
            delivery=Delivery.IMMEDIATE,
            email_status=EmailStatus.SENT,
            zd_instance=side.ticket.zd_instance,
        )
        Finding.objects.create(ticket=side.ticket, reason=FindingReason.NO_RECIPIENT)


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/findings/?state=all"])
def test_notifications_and_findings_name_and_filter_the_instance(path, world, people):
    csm = people["csm"]
    notify_both(world, csm)
    client = client_for(csm)
    uncleared = body(client.get(path))
    assert INSTANCE_TH in uncleared and options(uncleared) == ["", "global"]
    assert instance_cells(uncleared) == ["Global"] and USGOV_TEXT not in uncleared
    hidden = body(client.get(path, {"instance": USGOV}))
    assert without_tokens(hidden.replace(USGOV, "nosuch")) == without_tokens(
        body(client.get(path, {"instance": "nosuch"}))
    )
    clear(csm)
    client = client_for(csm)
    both = body(client.get(path))
    assert options(both) == ["", "global", USGOV]
    assert sorted(instance_cells(both)) == ["Global", "US Government"]
    only_usgov = body(client.get(path, {"instance": USGOV}))
    assert instance_cells(only_usgov) == ["US Government"] and GLOBAL_TEXT not in only_usgov


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/findings/?state=all"])
def test_with_one_instance_notifications_and_findings_name_none(path, people):
    world = build(people["csm"])
    notify_both(world, people["csm"])
    html = body(client_for(people["csm"]).get(path))
    assert INSTANCE_TH not in html and 'name="instance"' not in html and "Global" not in html


def test_marking_a_notification_read_keeps_its_instance_cell(world, people):
    from notifications.models import Notification

    notify_both(world, people["csm"])
    notification = Notification.objects.get(ticket=world.glob.ticket)
    row = body(
        client_for(people["csm"]).post(f"/notifications/{notification.pk}/read/", HTTP_HX_REQUEST="true")
    )
    assert '<td class="nowrap">Global</td>' in row


def test_the_contacts_page_names_each_zendesk_users_instance(world, people):
    csm = people["csm"]
    clear(csm)
    client = client_for(csm)
    path = f"/contacts/account/{world.account.pk}/"
    html = body(client.get(path))
    assert INSTANCE_TH in html and options(html) == ["", "global", USGOV]
    assert f"{USGOV_TEXT} Requester" in html and f"{GLOBAL_TEXT} Requester" in html
    assert {"Global", "US Government"} <= set(instance_cells(html))
    only_usgov = body(client.get(path, {"instance": USGOV}))
    assert f"{USGOV_TEXT} Requester" in only_usgov and f"{GLOBAL_TEXT} Requester" not in only_usgov
    header, *rows = csv_table(client.get(f"/contacts/account/{world.account.pk}/export.csv"))
    by_name = {row[0]: row[header.index("Instance")] for row in rows}
    assert by_name[f"{USGOV_TEXT} Requester"] == "US Government"
    assert by_name[f"{GLOBAL_TEXT} Requester"] == "Global"


def test_the_contacts_page_offers_an_uncleared_person_the_global_instance_only(world, people):
    client = client_for(people["csm"])
    path = f"/contacts/account/{world.account.pk}/"
    html = body(client.get(path))
    assert options(html) == ["", "global"] and USGOV_TEXT not in html
    hidden = body(client.get(path, {"instance": USGOV}))
    assert without_tokens(hidden.replace(USGOV, "nosuch")) == without_tokens(
        body(client.get(path, {"instance": "nosuch"}))
    )


def test_with_one_instance_the_contacts_page_and_csv_name_none(people):
    world = build(people["csm"])
    client = client_for(people["csm"])
    html = body(client.get(f"/contacts/account/{world.account.pk}/"))
    assert INSTANCE_TH not in html and 'name="instance"' not in html
    header, *_rows = csv_table(client.get(f"/contacts/account/{world.account.pk}/export.csv"))
    assert "Instance" not in header


def test_the_portfolio_filters_accounts_with_an_organization_in_an_instance(world, people):
    from tests.factories import AccountFactory, OrganizationFactory

    csm = people["csm"]
    OrganizationFactory(account=AccountFactory(csm=csm, name="Global Only Co"))
    clear(csm)
    client = client_for(csm)
    html = body(client.get("/accounts/"))
    assert options(html) == ["", "global", USGOV]

    def names(**query: str) -> list[str]:
        response = client.get("/accounts/", query)
        return sorted(row.name for row in response.context["page"].object_list)

    assert names() == ["Global Only Co", "Shared Account"]
    assert names(instance=USGOV) == ["Shared Account"]
    assert names(instance="global") == ["Global Only Co", "Shared Account"]
    [line] = csv_table(client.get("/accounts/export.csv", {"instance": USGOV}))[1:]
    assert line[0] == "Shared Account"


def test_the_portfolio_refuses_a_hidden_instance_as_an_unknown_one(world, people):
    client = client_for(people["csm"])
    html = body(client.get("/accounts/"))
    assert options(html) == ["", "global"]
    hidden = body(client.get("/accounts/", {"instance": USGOV}))
    assert without_tokens(hidden.replace(USGOV, "nosuch")) == without_tokens(
        body(client.get("/accounts/", {"instance": "nosuch"}))
    )


def test_the_cadence_page_names_each_tickets_and_ratings_instance(world, people):
    csm = people["csm"]
    clear(csm)
    html = body(client_for(csm).get(f"/feedback/accounts/{world.account.pk}/cadence/"))
    assert INSTANCE_TH in html
    assert f'href="/tickets/{USGOV}/{TICKET_NUMBER}/"' in html  # its own instance's page
    assert f"#{TICKET_NUMBER} (US Government)" in html and f"#{TICKET_NUMBER} (Global)" in html


def test_with_one_instance_the_cadence_page_names_none(people):
    world = build(people["csm"])
    html = body(client_for(people["csm"]).get(f"/feedback/accounts/{world.account.pk}/cadence/"))
    assert INSTANCE_TH not in html and "(Global)" not in html


def test_the_sync_waiting_lists_name_each_rows_instance(settings, admin_user):
    from tests.factories import TicketFactory

    TicketFactory(zd_id=4242, zd_requester_id=991, requester=None, subject="Zenithal waits")
    TicketFactory(
        zd_id=4242, zd_instance=USGOV, zd_requester_id=991, requester=None, subject="Federalia waits"
    )
    client = client_for(admin_user)
    path = "/sync/waiting/tickets-without-requester/"
    alone = body(client.get(path))  # one instance configured: the usgov row's key names no column
    assert INSTANCE_TH not in alone
    restrict(settings)
    clear(admin_user)
    html = body(client_for(admin_user).get(path))
    assert INSTANCE_TH in html and sorted(instance_cells(html)) == ["Global", "US Government"]


def test_a_second_instance_adds_no_query_to_any_list(settings, people):
    """The instance column and filter read what the rows read already: with a second (open)
    instance configured, each list and CSV runs the queries it ran with one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.instances import configure_two_instances

    world = build(people["csm"])
    notify_both(world, people["csm"])
    pages = [(page.who, page.path, page.query) for page in PAGES.values()]
    pages += [(page.who, page.export, page.query) for page in PAGES.values()]
    pages += [
        ("csm", "/notifications/", {}),
        ("csm", "/notifications/findings/", {"state": "all"}),
        ("csm", f"/contacts/account/{world.account.pk}/", {}),
        ("csm", f"/contacts/account/{world.account.pk}/export.csv", {}),
        ("csm", "/accounts/", {}),
        ("csm", f"/feedback/accounts/{world.account.pk}/cadence/", {}),
    ]

    def counts() -> list[int]:
        result = []
        for who, path, query in pages:
            client = client_for(people[who])
            with CaptureQueriesContext(connection) as queries:
                body(client.get(path, query))
            result.append(len(queries))
        return result

    counts()  # what a process reads once (the field mapping) is read now
    one = counts()
    configure_two_instances(settings)
    assert counts() == one


def test_the_ticket_dashboards_quick_filters_keep_the_chosen_instance(world, people):
    clear(people["csm"])
    response = client_for(people["csm"]).get("/tickets/", {"csm": "any", "instance": USGOV})
    assert all(f"instance={USGOV}" in quick["query"] for quick in response.context["quick_filters"])


def test_the_forward_forms_ticket_search_names_each_results_instance(world, people):
    csm = people["csm"]
    clear(csm)
    html = body(client_for(csm).get("/feedback/forward/ticket-lookup/", {"ticket": "pipeline outage"}))
    assert f"{GLOBAL_TEXT} pipeline outage" in html and f"{USGOV_TEXT} pipeline outage" in html
    assert "US Government ·" in html and "Global ·" in html


def test_with_one_instance_the_ticket_search_names_none(people):
    build(people["csm"])
    html = body(
        client_for(people["csm"]).get("/feedback/forward/ticket-lookup/", {"ticket": "pipeline outage"})
    )
    assert "Global ·" not in html


def test_the_account_reviews_lowest_scores_name_each_tickets_instance(world, people):
    from tickets.models import Ticket

    Ticket.objects.filter(pk__in=[world.glob.ticket.pk, world.usgov.ticket.pk]).update(quality_score=40)
    clear(people["csm"])
    html = body(client_for(people["csm"]).get(f"/tickets/accounts/{world.account.pk}/review/"))
    assert INSTANCE_TH in html and sorted(instance_cells(html)) == ["Global", "US Government"]
