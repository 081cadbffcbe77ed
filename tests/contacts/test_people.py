"""An account's people: Salesforce contacts against Zendesk users, matched by email."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.selectors import PersonStatus, account_people, unentitled_tickets
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OrganizationFactory,
    SupportUserFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(csm):
    account = AccountFactory(csm=csm, seats=120, sold_to_email="Buyer@Customer.example")
    org = OrganizationFactory(account=account)
    other_org = OrganizationFactory(name="Someone else")
    people = {
        "ann": ContactFactory(
            account=account, first_name="Ann", last_name="Archer", email="Ann@Customer.example"
        ),
        "bob": ContactFactory(
            account=account, first_name="Bob", last_name="Baker", email="bob@customer.example"
        ),
        "cat": ContactFactory(
            account=account, first_name="Cat", last_name="Carter", email="cat@customer.example"
        ),
        "buyer": ContactFactory(
            account=account, first_name="Buyer", last_name="Byrd", email="buyer@customer.example"
        ),
        "dan": ContactFactory(
            account=account, first_name="Dan", last_name="Dunn", email="dan@customer.example"
        ),
        "nomail": ContactFactory(
            account=account, first_name="Nomail", last_name="Null", email="", email_key=""
        ),
    }
    users = {
        "ann": SupportUserFactory(organization=org, email="ANN@customer.example"),
        "buyer": SupportUserFactory(organization=org, email="BUYER@customer.example", email_key=""),
        "dan": SupportUserFactory(organization=org, email="dan@customer.example", suspended=True),
        "eve": SupportUserFactory(organization=org, name="Eve Extra", email="eve@gmail.example"),
        "cat": SupportUserFactory(organization=other_org, email="cat@customer.example"),
        "agent": SupportUserFactory(organization=org, email="agent@support.example", role="agent"),
    }
    return account, org, people, users


def _by_email(result):
    return {p.key: p for p in result.people}


def test_it_matches_contacts_and_users_by_email_whatever_the_case(world):
    account, _org, _people, _users = world
    people = _by_email(account_people(account))
    assert people["ann@customer.example"].status == PersonStatus.ENTITLED
    assert (
        people["buyer@customer.example"].status == PersonStatus.ENTITLED
    )  # email_key not filled by the sync
    assert people["bob@customer.example"].status == PersonStatus.NOT_REGISTERED
    assert people["cat@customer.example"].status == PersonStatus.ELSEWHERE
    assert people["cat@customer.example"].user.organization.name == "Someone else"
    assert people["dan@customer.example"].status == PersonStatus.BLOCKED
    assert people["eve@gmail.example"].status == PersonStatus.NOT_IN_SALESFORCE
    assert "agent@support.example" not in people


def test_it_counts_who_may_open_tickets_and_names_the_sold_to_contact(world):
    account, _org, _people, _users = world
    result = account_people(account)
    assert result.salesforce_contacts == 5  # with an email; the sixth cannot be matched
    assert [c.first_name for c in result.contacts_without_email] == ["Nomail"]
    assert result.registered_contacts == 2  # Ann and the buyer
    assert result.can_open_tickets == 3  # plus Eve, unknown to Salesforce
    assert result.sold_to.key == "buyer@customer.example" and result.sold_to.is_sold_to
    assert result.people[0] is result.sold_to  # listed first
    assert result.limit == 30 and result.eligible and not result.has_cmp


def test_it_lists_cmp_developers_and_raises_the_limit_with_a_project(world):
    account, org, _people, _users = world
    org.cmp_id = "20000001"
    org.cmp_developers = "- ann@customer.example\n- @bob\n- [Zed](mailto:zed@elsewhere.example)"
    org.save()
    result = account_people(account)
    assert result.has_cmp and result.limit == 50
    rows = {row.developer.key: row.person for row in result.developers}
    assert rows["ann@customer.example"].key == "ann@customer.example"
    assert rows["@bob"].key == "bob@customer.example"  # the username matches one email's local part
    assert rows["zed@elsewhere.example"] is None
    assert {p.key for p in result.people if p.is_developer} == {
        "ann@customer.example",
        "bob@customer.example",
    }


def test_it_warns_when_more_people_can_open_tickets_than_allowed(csm):
    account = AccountFactory(csm=csm, seats=20)
    org = OrganizationFactory(account=account)
    SupportUserFactory.create_batch(31, organization=org)
    result = account_people(account)
    assert result.can_open_tickets == 31
    assert [w.level for w in result.warnings] == ["bad"]
    assert "over the limit of 30" in result.warnings[0].message


def test_it_lists_tickets_from_people_without_entitlement(world):
    account, org, _people, users = world
    entitled = TicketFactory(requester=users["ann"])
    from_other_org = TicketFactory(requester=users["cat"], organization=org, account=account)
    suspended = TicketFactory(requester=users["dan"])
    unknown = TicketFactory(requester=None, organization=org, account=account)
    found = set(unentitled_tickets(account))
    assert found == {from_other_org, suspended, unknown}
    assert entitled not in found


def test_it_counts_tickets_per_person(world):
    account, _org, _people, users = world
    TicketFactory.create_batch(2, requester=users["eve"])
    assert _by_email(account_people(account))["eve@gmail.example"].tickets == 2


def _queries(client, url, *, cold=True):
    """The page's queries; `cold`: with nothing cached for the account yet (csmportal.versions)."""
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_shows_the_people_page_in_the_same_number_of_queries_for_more_people(
    world, csm_client, django_assert_num_queries
):
    account, org, _people, users = world
    TicketFactory(requester=users["cat"], organization=org, account=account)
    url = f"/contacts/account/{account.pk}/"
    _queries(csm_client, url)  # the first view also reads the field mapping (then cached)
    before = _queries(csm_client, url)
    assert _queries(csm_client, url, cold=False) < before  # read again: the people come from the cache
    for _ in range(15):
        contact = ContactFactory(account=account)
        SupportUserFactory(organization=org, email=contact.email)
        TicketFactory(requester=None, organization=org, account=account)
    cache.clear()
    with django_assert_num_queries(before):
        response = csm_client.get(url)
    assert response.content.count(b"<tr>") > 20
    assert before <= 14


def test_it_filters_people_on_the_page_and_in_the_csv(world, csm_client):
    account, _org, _people, _users = world
    page = csm_client.get(f"/contacts/account/{account.pk}/", {"status": "not_registered"})
    assert b"bob@customer.example" in page.content
    assert b"ann@customer.example" not in page.content.lower()
    csv = b"".join(
        csm_client.get(f"/contacts/account/{account.pk}/export.csv", {"q": "ANN"}).streaming_content
    ).decode()
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Name,Email,Status")
    assert len(lines) == 2 and "Ann@Customer.example" in lines[1] and "Can open tickets" in lines[1]


def test_it_renders_htmx_requests_as_the_table_only(world, csm_client):
    account, _org, _people, _users = world
    response = csm_client.get(f"/contacts/account/{account.pk}/", {"q": "bob"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="list-table"' in response.content and b"<html" not in response.content


def test_it_escapes_names_from_the_customer(csm, csm_client):
    account = AccountFactory(csm=csm)
    ContactFactory(account=account, first_name="<script>alert(1)</script>")
    response = csm_client.get(f"/contacts/account/{account.pk}/")
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_each_row_escapes_title_email_and_other_organization_and_shows_status_and_tickets(csm, csm_client):
    account = AccountFactory(csm=csm, sold_to_email="x&y@customer.example")
    OrganizationFactory(account=account)
    ContactFactory(
        account=account,
        first_name="Xena",
        last_name="Xu",
        email="x&y@customer.example",
        title="<b>Boss</b> & co",
    )
    ContactFactory(account=account, first_name="Yan", email="yan@customer.example")
    other = OrganizationFactory(name="<i>Elsewhere</i> Ltd")
    user = SupportUserFactory(organization=other, email="yan@customer.example", zd_id=4242)
    TicketFactory(requester=user, account=account)
    page = csm_client.get(f"/contacts/account/{account.pk}/").content.decode()
    assert "&lt;b&gt;Boss&lt;/b&gt; &amp; co" in page and "<b>Boss</b>" not in page
    assert '<td class="acc-email">x&amp;y@customer.example</td>' in page
    assert 'Xena Xu <span class="badge info">sold-to</span>' in page
    assert (
        '<span class="mono small">4242</span> <span class="small">in &lt;i&gt;Elsewhere&lt;/i&gt; Ltd</span>'
        in page
    )
    assert '<span class="badge warn">Not associated with this organization</span>' in page
    assert '<td class="num">1</td></tr>' in page


@pytest.mark.parametrize(
    "persona", ["csm", "other_csm", "manager", "ops", "admin", "no_role", "anonymous"], indirect=True
)
@pytest.mark.parametrize("suffix", ["", "export.csv"])
def test_it_lets_every_role_read_any_accounts_contacts(persona, suffix):
    user, client = persona
    account = AccountFactory()
    response = client.get(f"/contacts/account/{account.pk}/{suffix}")
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name == "no_role":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


def test_it_answers_404_for_an_unknown_account(csm_client):
    assert csm_client.get("/contacts/account/999999/").status_code == 404


def test_the_account_pages_summary_gives_the_same_figures_in_fewer_queries(world):
    account, _org, _people, _users = world
    TicketFactory(requester=_users["eve"], account=account)
    with CaptureQueriesContext(connection) as full_queries:
        full = account_people(account)
    with CaptureQueriesContext(connection) as summary_queries:
        summary = account_people(account, details=False)
    figures = lambda r: (  # noqa: E731
        r.can_open_tickets, r.registered_contacts, r.salesforce_contacts, r.limit, r.has_cmp,
        r.sold_to.key, [w.message for w in r.warnings], len(r.developers),
    )  # fmt: skip
    assert figures(summary) == figures(full)
    assert len(summary_queries) == len(full_queries) - 2


def test_tickets_without_entitlement_show_masked_escaped_short_subjects_linked_by_number(world, csm_client):
    account, org, _people, users = world
    TicketFactory(
        requester=users["cat"], organization=org, account=account, zd_id=91234,
        subject="<script>x</script> key AKIAIOSFODNN7EXAMPLE " + "long " * 30,
    )  # fmt: skip
    TicketFactory(requester=None, organization=org, account=account, subject="")
    page = csm_client.get(f"/contacts/account/{account.pk}/").content.decode()
    assert '<a href="/tickets/91234/">91234</a>' in page
    assert "&lt;script&gt;x&lt;/script&gt; key" in page and "<script>x" not in page
    assert "AKIAIOSFODNN7EXAMPLE" not in page and "AKIA•" in page
    assert "long long" in page and "long …</td>" not in page and "…</td>" in page  # cut at 80
    assert "<td>(no subject)</td>" in page and "<td>—</td>" in page
