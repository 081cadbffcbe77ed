"""New request (/requests/new/): find the organization by account or organization, then file.

The picker is a search (an htmx request while typing, a plain GET without JavaScript), never a
select of every account."""

import pytest

from supportops.models import RequestStatus
from tests.factories import AccountFactory, OpsRequestFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(csm, other_csm):
    mine = AccountFactory(name="Acme Rockets", csm=csm, sf_id="001000000000ACMEAA")
    return {
        "mine": OrganizationFactory(account=mine, name="Acme Rockets", zd_id=11111111, am_project_id="123"),
        "mine_eu": OrganizationFactory(
            account=mine, name="Acme Rockets (EU)", zd_id=22222222, am_project_id="TBD"
        ),
        "theirs": OrganizationFactory(
            account=AccountFactory(name="Acme Contoso", csm=other_csm), name="Contoso"
        ),
        "orphan": OrganizationFactory(
            account=AccountFactory(name="Acme Orphan", csm=None), name="Orphan Org"
        ),
    }


def names(response):
    return [choice.org.name for choice in response.context["choices"]]


def test_the_queue_offers_a_new_request_to_csms(client, csm, ops):
    client.force_login(csm)
    assert 'href="/requests/new/">New request</a>' in client.get("/requests/").content.decode()
    client.force_login(ops)
    assert "New request" not in client.get("/requests/").content.decode()


def test_it_opens_on_the_csms_own_organizations(csm_client, orgs):
    assert names(csm_client.get("/requests/new/")) == ["Acme Rockets", "Acme Rockets (EU)"]


def test_it_finds_organizations_the_csm_may_file_for_by_account_or_org(csm_client, orgs):
    # Another CSM's account is not listed; an account without a CSM is (any CSM files for it).
    assert names(csm_client.get("/requests/new/", {"q": "acme"})) == [
        "Orphan Org",  # of "Acme Orphan"
        "Acme Rockets",
        "Acme Rockets (EU)",
    ]
    assert names(csm_client.get("/requests/new/", {"q": "(EU"})) == ["Acme Rockets (EU)"]
    assert names(csm_client.get("/requests/new/", {"q": "22222222"})) == ["Acme Rockets (EU)"]
    assert names(csm_client.get("/requests/new/", {"q": "001000000000acmeaa"})) == [
        "Acme Rockets",
        "Acme Rockets (EU)",
    ]
    assert names(csm_client.get("/requests/new/", {"q": "Contoso"})) == []


def test_each_organization_links_to_both_requests_and_says_what_is_wrong(csm_client, orgs):
    OpsRequestFactory(organization=orgs["mine"], status=RequestStatus.OPEN)
    page = csm_client.get("/requests/new/", {"q": "Acme Rockets"}).content.decode()
    assert f'href="/requests/new/correction/{orgs["mine_eu"].pk}/"' in page
    assert f'href="/requests/new/correction/{orgs["mine"].pk}/"' not in page  # one is under way
    assert "A correction is under way." in page
    assert f'href="/requests/new/notes/{orgs["mine"].pk}/"' in page
    assert "not a project ID" in page  # "TBD"


def test_an_account_link_lists_that_accounts_organizations(csm_client, orgs):
    account = orgs["mine"].account
    response = csm_client.get("/requests/new/", {"account": account.pk})
    assert names(response) == ["Acme Rockets", "Acme Rockets (EU)"]
    assert "Organizations of <strong>Acme Rockets</strong>" in response.content.decode()


def test_while_typing_htmx_gets_only_the_results(csm_client, orgs):
    response = csm_client.get("/requests/new/", {"q": "EU"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="org-results"') and "<html" not in html


def test_hostile_search_text_is_escaped(csm_client, orgs):
    page = csm_client.get("/requests/new/", {"q": "<script>x</script>"}).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    for q, account in [("a\x00b", "1"), ("१२३", "१२३"), ("9" * 40, "9" * 40)]:
        assert csm_client.get("/requests/new/", {"q": q, "account": account}).status_code == 200


def test_it_lists_at_most_twenty_in_the_same_queries(csm, csm_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    account = AccountFactory(name="Big", csm=csm)
    OrganizationFactory(account=account, name="Big 0")
    with CaptureQueriesContext(connection) as few:
        csm_client.get("/requests/new/", {"q": "Big"})
    OrganizationFactory.create_batch(30, account=account)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = csm_client.get("/requests/new/", {"q": "Big"})
    assert len(response.context["choices"]) == 20 and response.context["more"]
    assert "type more of the name" in response.content.decode()
