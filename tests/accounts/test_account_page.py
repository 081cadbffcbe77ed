"""The account page: Salesforce and Zendesk side by side, mismatches called out, links, the trail."""

import html

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.findings import Problem, account_findings, problems_of
from accounts.models import Account
from accounts.portfolio import portfolio_rows
from accounts.services import account_event_record
from accounts.services.checklists import checklist_step_add
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OrganizationFactory,
    RatingFactory,
    SupportUserFactory,
    TicketFactory,
    UserFactory,
)
from tests.factories.accounts import SalesforceUserFactory, start_checklist

pytestmark = pytest.mark.django_db


def test_it_shows_both_systems_side_by_side_with_links(csm, csm_client, settings):
    settings.ZENDESK_SUBDOMAIN = "acme-support"
    settings.SALESFORCE_WEB_URL = "https://acme.lightning.force.com"
    settings.GITLAB_URL = "https://gitlab.example"
    account = AccountFactory(csm=csm, name="Acme Corp", sold_to_email="buyer@acme.example")
    OrganizationFactory(account=account, zd_id=11111111, am_project_id="17735787", notes="Prefers email.")
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert f"https://acme.lightning.force.com/lightning/r/Account/{account.sf_id}/view" in page
    assert "https://acme-support.zendesk.com/agent/organizations/11111111" in page
    assert "https://gitlab.example/projects/17735787" in page
    assert "Prefers email." in page and "buyer@acme.example" in page
    assert "Data problems" not in page


def test_it_calls_out_an_account_without_a_zendesk_org(csm, csm_client):
    account = AccountFactory(csm=csm)
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert "No Zendesk organization" in page


def _mismatched_account(csm):
    sf_csm = SalesforceUserFactory(name="Casey CSM")
    account = AccountFactory(
        csm=csm, csm_sf_user_id=sf_csm.sf_id, name="Globex", region="EMEA", support_level="priority"
    )
    return account


def test_it_explains_every_mismatch_and_marks_the_fields(csm, csm_client):
    account = _mismatched_account(csm)
    OrganizationFactory(
        account=account,
        salesforce_id=account.sf_id[:15],
        org_region="apac",
        support_level="standard",
        technical_account_manager="Someone Else",
    )
    other = AccountFactory(name="Initech")
    OrganizationFactory(account=other, name="globex")  # this account's name, linked elsewhere
    response = csm_client.get(f"/accounts/{account.pk}/")
    page = html.unescape(response.content.decode())
    codes = [f.code for f in response.context["page"].findings]
    assert sorted(codes) == sorted([Problem.SF_ID, Problem.SF_ID, Problem.CSM, Problem.REGION, Problem.PLAN])
    assert "points to another account (Initech)" in page
    assert "not the account's 18-character ID" in page
    assert "Zendesk names “Someone Else” as the CSM" in page and "Salesforce says Casey CSM" in page
    assert "has region “apac” in Zendesk; Salesforce says Europe, Middle East, Africa" in page
    assert page.count("acc-mismatch") >= 4


def test_it_sees_no_mismatch_in_equivalent_spellings(csm):
    account = _mismatched_account(csm)
    OrganizationFactory(
        account=account,
        org_region="Europe Middle East Africa",
        support_level=" Priority ",
        technical_account_manager="casey csm",
    )
    assert account_findings(account, list(account.organizations.all()), [], None) == []
    [row] = portfolio_rows([account.pk], None)
    assert problems_of(row) == []


def test_it_flags_a_csm_without_a_portal_login(csm):
    sf_csm = SalesforceUserFactory(name="Gone Person")
    account = AccountFactory(csm=None, csm_sf_user_id=sf_csm.sf_id)
    OrganizationFactory(account=account)
    findings = account_findings(account, list(account.organizations.all()), [], sf_csm)
    assert [f.code for f in findings] == [Problem.CSM_LOGIN] and "Gone Person" in findings[0].message


@pytest.mark.parametrize(
    "org_kwargs,expected",
    [
        (None, {"no_org"}),
        ({}, set()),
        ({"org_region": "amer"}, {"region"}),
        ({"org_region": "americas_usa"}, {"region"}),
        ({"org_region": "Mars"}, {"region"}),
        ({"support_level": "basic"}, {"plan"}),
        ({"technical_account_manager": "Other Person"}, {"csm"}),
        ({"salesforce_id": "001XXXXXXXXXXXX"}, {"sf_id"}),
    ],
)
def test_it_flags_the_same_problems_in_the_portfolio_as_on_the_page(csm, org_kwargs, expected):
    """The SQL flags (portfolio) and the Python findings (account page) agree."""
    account = AccountFactory(csm=csm, region="EMEA", support_level="priority")
    if org_kwargs is not None:
        OrganizationFactory(
            account=account, **{"org_region": "emea", "support_level": "priority", **org_kwargs}
        )
    [row] = portfolio_rows([account.pk], None)
    assert set(problems_of(row)) == expected
    python = account_findings(Account.objects.get(pk=account.pk), list(account.organizations.all()), [], None)
    assert {f.code for f in python} == expected


def test_it_shows_the_audit_trail_newest_first(csm, csm_client):
    account = AccountFactory(csm=csm)
    account_event_record(account=account, actor=csm, verb="note", summary="First change")
    account_event_record(account=account, actor=None, verb="note", summary="Second change")
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert page.index("Second change") < page.index("First change")
    history = csm_client.get(f"/accounts/{account.pk}/history/").content.decode()
    assert "First change" in history and "Casey CSM" in history and "Portal" in history


def test_it_keeps_other_apps_panels(csm, csm_client):
    from accounts.panels import _panels

    account = AccountFactory(csm=csm)
    response = csm_client.get(f"/accounts/{account.pk}/")
    rendered = {p.key for p in response.context["panels"]}
    assert rendered == set(_panels)


def _page_queries(client, url, *, cold=True):
    """The page's queries; `cold`: with nothing cached for the account yet (csmportal.versions)."""
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_renders_in_the_same_number_of_queries_however_much_the_account_holds(
    csm, csm_client, django_assert_num_queries
):
    account = AccountFactory(csm=csm)
    org = OrganizationFactory(account=account)
    checklist = start_checklist(account, actor=csm)
    url = f"/accounts/{account.pk}/"
    _page_queries(csm_client, url)  # warm up per-process caches (content types, sites)
    before = _page_queries(csm_client, url)
    # Read again while nothing changed: what the page shows of the account comes from the cache.
    assert _page_queries(csm_client, url, cold=False) < before - 10
    OrganizationFactory(account=account)
    for n in range(10):
        checklist_step_add(checklist=checklist, actor=csm, title=f"Extra {n}")
        contact = ContactFactory(account=account)
        user = SupportUserFactory(organization=org, email=contact.email)
        RatingFactory(ticket=TicketFactory(requester=user))
        account_event_record(account=account, actor=csm, verb="note", summary=f"note {n}")
    start_checklist(account, key="support-onboarding-contact-collection", actor=csm)
    cache.clear()
    with django_assert_num_queries(before):
        csm_client.get(url)


@pytest.mark.parametrize(
    "persona", ["csm", "other_csm", "manager", "ops", "admin", "no_role", "anonymous"], indirect=True
)
@pytest.mark.parametrize("page", ["account", "history", "email", "export"])
def test_it_lets_every_role_read_any_account(persona, page):
    from accounts.services.emails import checklist_email_send

    user, client = persona
    owner = UserFactory(roles=["CSM"])
    account = AccountFactory(csm=owner)
    step = start_checklist(account, actor=owner).steps.get(kind="email")
    email = checklist_email_send(
        step=step, actor=owner, to_email=account.sold_to_email, subject="s", body="b"
    )
    url = {
        "account": f"/accounts/{account.pk}/",
        "history": f"/accounts/{account.pk}/history/",
        "email": f"/accounts/{account.pk}/emails/{email.pk}/",
        "export": "/accounts/export.csv",
    }[page]
    response = client.get(url)
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name == "no_role":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


def test_it_does_not_show_an_email_under_another_account(csm, csm_client):
    from accounts.services.emails import checklist_email_send

    account = AccountFactory(csm=csm)
    step = start_checklist(account, actor=csm).steps.get(kind="email")
    email = checklist_email_send(step=step, actor=csm, to_email=account.sold_to_email, subject="s", body="b")
    other = AccountFactory(csm=csm)
    assert csm_client.get(f"/accounts/{other.pk}/emails/{email.pk}/").status_code == 404
