"""The portfolio (/accounts/): a CSM's accounts with progress, tickets, ratings and problems."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services.checklists import checklist_step_complete
from feedback.models import Score
from tests.factories import AccountFactory, OrganizationFactory, RatingFactory, TicketFactory, UserFactory
from tests.factories.accounts import start_checklist
from tickets.models import Status

pytestmark = pytest.mark.django_db


def rows(response):
    return [a.name for a in response.context["page"].object_list]


def test_it_opens_on_the_csms_own_accounts_and_shows_anyones_on_request(csm, other_csm, csm_client):
    AccountFactory(csm=csm, name="Mine")
    AccountFactory(csm=other_csm, name="Theirs")
    AccountFactory(csm=None, name="Nobody's")
    assert rows(csm_client.get("/accounts/")) == ["Mine"]
    assert rows(csm_client.get("/accounts/", {"csm": "any"})) == ["Mine", "Nobody's", "Theirs"]
    assert rows(csm_client.get("/accounts/", {"csm": str(other_csm.pk)})) == ["Theirs"]
    assert rows(csm_client.get("/accounts/", {"csm": "none"})) == ["Nobody's"]


def test_it_opens_on_every_account_for_other_roles(manager_client, csm):
    AccountFactory(csm=csm, name="A")
    AccountFactory(csm=None, name="B")
    assert rows(manager_client.get("/accounts/")) == ["A", "B"]


def test_it_shows_progress_open_tickets_recent_ratings_and_problems(csm, csm_client):
    account = AccountFactory(csm=csm, name="Acme")
    org = OrganizationFactory(account=account, org_region="apac")
    checklist = start_checklist(account, actor=csm)
    manual = checklist.steps.filter(kind="manual").first()
    checklist_step_complete(step=manual, actor=csm)
    TicketFactory(requester__organization=org, status=Status.OPEN)
    TicketFactory(requester__organization=org, status=Status.SOLVED)
    good = TicketFactory(requester__organization=org, status=Status.CLOSED)
    RatingFactory(ticket=good, score=Score.GOOD)
    RatingFactory(ticket=good, score=Score.BAD)
    RatingFactory(ticket=good, score=Score.BAD, zd_created_at=timezone.now() - dt.timedelta(days=120))
    response = csm_client.get("/accounts/")
    [row] = response.context["page"].object_list
    assert row.open_tickets == 1
    assert (row.ratings_good, row.ratings_bad) == (1, 1)  # the last 90 days
    # sold-to email, org linked, project ID verified, the CMP information, one manual step
    assert row.steps_total == 8 and row.steps_done == 5
    page = response.content.decode()
    assert '<progress class="acc-progress" value="5" max="8"' in page
    assert "Region differs" in page
    assert response.context["stats"] == {
        "accounts": 1, "complete": 0, "not_started": 0, "with_problems": 1, "tickets_open": 1,
        "tickets_open_url": "/tickets/?csm=mine&status=unsolved",
    }  # fmt: skip


def test_it_filters_by_onboarding_problems_renewal_and_search(csm, csm_client):
    soon = AccountFactory(
        csm=csm, name="Renews soon", renewal_date=timezone.localdate() + dt.timedelta(days=20)
    )
    OrganizationFactory(account=soon, name="Soon Org", zd_id=777001)
    start_checklist(soon, actor=csm)
    AccountFactory(csm=csm, name="No org", renewal_date=timezone.localdate() - dt.timedelta(days=3))
    get = lambda **q: rows(csm_client.get("/accounts/", q))  # noqa: E731
    assert get(onboarding="not_started") == ["No org"]
    assert get(onboarding="in_progress") == ["Renews soon"]
    assert get(problem="no_org") == ["No org"]
    assert get(problem="none") == ["Renews soon"]
    assert get(renewal="30") == ["Renews soon"]
    assert get(renewal="past") == ["No org"]
    assert get(q="soon org") == ["Renews soon"]
    assert get(q="777001") == ["Renews soon"]
    assert get(q=soon.sf_id) == ["Renews soon"]
    assert get(ordering="-renewal") == ["Renews soon", "No org"]


def test_it_exports_the_filtered_portfolio_as_csv(csm, csm_client):
    AccountFactory(csm=csm, name="=HYPERLINK(evil)")
    AccountFactory(csm=csm, name="Plain")
    response = csm_client.get("/accounts/export.csv", {"q": "evil"})
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].startswith("Account,Salesforce ID,CSM,Plan")
    assert len(lines) == 2 and lines[1].startswith("'=HYPERLINK(evil)")
    assert "No Zendesk org" in lines[1]


def test_it_answers_htmx_with_the_table_only(csm, csm_client):
    AccountFactory(csm=csm, name="Acme")
    response = csm_client.get("/accounts/", {"q": "acm"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert '<div id="list-table">' in body and "<html" not in body and "Acme" in body


def test_it_says_what_to_do_when_nothing_matches(csm_client):
    page = csm_client.get("/accounts/").content.decode()
    assert "You have no accounts with these filters" in page


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/accounts/", params).status_code == 200
    return len(ctx.captured_queries)


def _account_with_everything(csm):
    account = AccountFactory(csm=csm)
    org = OrganizationFactory(account=account, org_region="apac")
    start_checklist(account, actor=csm)
    RatingFactory(ticket=TicketFactory(requester__organization=org))


def test_it_lists_any_number_of_accounts_in_the_same_queries(csm, csm_client, django_assert_num_queries):
    UserFactory.create_batch(3, roles=["CSM"])  # the CSM filter's choices
    _account_with_everything(csm)
    params = {"csm": "any"}
    _queries(csm_client, params)
    before = _queries(csm_client, params)
    for _ in range(12):
        _account_with_everything(csm)
    with django_assert_num_queries(before):
        response = csm_client.get("/accounts/", params)
    assert len(response.context["page"].object_list) == 13
    # session, user, roles, CSM choices, five totals, count, the page, its columns
    assert before <= 14


def test_it_filters_accounts_with_a_missing_or_invalid_collaboration_project_id(csm, csm_client):
    for name, project_id in [("Good", "17735787"), ("Empty", ""), ("Blank", "   "), ("Url", "https://x/y")]:
        OrganizationFactory(account=AccountFactory(csm=csm, name=name), am_project_id=project_id)
    # One good org does not hide a second org with a bad ID; an account without an org is another problem.
    mixed = AccountFactory(csm=csm, name="Mixed")
    OrganizationFactory(account=mixed, am_project_id="42")
    OrganizationFactory(account=mixed, am_project_id="TBD")
    AccountFactory(csm=csm, name="No org")
    assert rows(csm_client.get("/accounts/", {"project_id": "missing"})) == ["Blank", "Empty"]
    assert rows(csm_client.get("/accounts/", {"project_id": "invalid"})) == ["Mixed", "Url"]
    both = csm_client.get("/accounts/", {"project_id": "missing_or_invalid"})
    assert rows(both) == ["Blank", "Empty", "Mixed", "Url"]
    assert "Missing or not a project ID" in both.content.decode()
    assert (
        csm_client.get("/accounts/export.csv", {"project_id": "invalid"}).getvalue().decode().count("\n") == 3
    )
