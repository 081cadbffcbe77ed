"""The sync page's "waiting for a link" counts link to the records behind them."""

import pytest

from integrations.selectors import link_findings
from integrations.waiting import KINDS
from tests.factories import AccountFactory, OrganizationFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_each_count_links_to_its_list_and_the_list_holds_exactly_those_records(client, csm):
    waiting = TicketFactory(
        zd_requester_id=991, requester=None, subject="Token glpat-abcdefghijklmnopqrst fails"
    )
    linked = TicketFactory()
    client.force_login(csm)
    page = client.get("/sync/").content.decode()
    assert 'href="/sync/waiting/tickets-without-requester/"' in page
    listing = client.get("/sync/waiting/tickets-without-requester/").content.decode()
    assert f"#{waiting.zd_id}" in listing and f"/tickets/{waiting.zd_id}/" in listing and "991" in listing
    assert f"#{linked.zd_id}<" not in listing
    assert "glpat-abcdefghijklmnopqrst" not in listing  # customer text is masked


def test_the_counts_and_the_lists_agree_for_every_kind(csm):
    OrganizationFactory(account=None, name="Loose Org")
    AccountFactory(csm=None, csm_sf_user_id="005000000000001AAA")
    counts = {f.key: f.count for f in link_findings()}
    assert set(counts) == {kind.key for kind in KINDS}
    for kind in KINDS:
        assert kind.records().count() == counts[kind.key]
        for record in kind.records()[:5]:
            assert len(kind.row(record)) == len(kind.columns)
    assert counts["organizations-without-account"] >= 1 and counts["accounts-csm-without-login"] == 1


@pytest.mark.parametrize("kind", [k.key for k in KINDS])
def test_every_list_opens(client, csm, kind):
    client.force_login(csm)
    assert client.get(f"/sync/waiting/{kind}/").status_code == 200


def test_an_unknown_list_is_404(client, csm):
    client.force_login(csm)
    assert client.get("/sync/waiting/everything/").status_code == 404


def test_admins_are_pointed_to_people_to_invite_from_the_csm_list(admin_client_):
    AccountFactory(csm=None, csm_sf_user_id="005000000000001AAA", name="Orphan Co")
    page = admin_client_.get("/sync/waiting/accounts-csm-without-login/").content.decode()
    assert "Orphan Co" in page and 'href="/accounts/people-to-invite/"' in page


def test_a_list_renders_in_constant_queries(client, csm, django_assert_num_queries):
    for n in range(30):
        TicketFactory(zd_requester_id=5000 + n, requester=None)
    client.force_login(csm)
    # session, user, roles, the count, the page of records
    with django_assert_num_queries(5):
        client.get("/sync/waiting/tickets-without-requester/")
