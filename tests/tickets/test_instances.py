"""Two Zendesk instances holding the same ticket number: each ticket has its own page
(`/tickets/<n>/` for the global instance's, `/tickets/<instance>/<n>/` for another's), its own
comments, and agent links on its own instance's host (docs/instances.md)."""

import pytest

from tests.factories import (
    AccountFactory,
    CaseFactory,
    CommentFactory,
    OrganizationFactory,
    SupportUserFactory,
)
from tests.factories.tickets import ReviewedTicketFactory
from tests.instances import GLOBAL_HOST, USGOV, USGOV_HOST, configure_two_instances

pytestmark = pytest.mark.django_db
NUMBER = 4242


@pytest.fixture(autouse=True)
def two_instances(settings):
    configure_two_instances(settings)


@pytest.fixture
def pair(csm):
    """Ticket 4242 of each instance, on one account (an organization in each instance)."""
    account = AccountFactory(name="Acme Rockets", csm=csm)
    tickets = {}
    for instance in ("global", USGOV):
        org = OrganizationFactory(account=account, zd_id=77, zd_instance=instance)
        person = SupportUserFactory(organization=org, zd_id=88, zd_instance=instance, name=f"Pat {instance}")
        tickets[instance] = ReviewedTicketFactory(
            zd_id=NUMBER, zd_instance=instance, requester=person, subject=f"Help from {instance}"
        )
        CommentFactory(ticket=tickets[instance], zd_instance=instance, body=f"Comment in {instance}")
    return tickets


def test_each_instances_ticket_has_its_own_address_and_page(csm_client, pair):
    assert pair["global"].get_absolute_url() == f"/tickets/{NUMBER}/"
    assert pair[USGOV].get_absolute_url() == f"/tickets/usgov/{NUMBER}/"
    for instance, other in (("global", USGOV), (USGOV, "global")):
        body = csm_client.get(pair[instance].get_absolute_url()).content.decode()
        assert f"Help from {instance}" in body and f"Help from {other}" not in body
        assert f"Comment in {instance}" in body and f"Comment in {other}" not in body
        assert f"Pat {instance}" in body


def test_agent_links_point_at_each_instances_own_host(csm_client, pair):
    assert pair["global"].agent_url == f"https://{GLOBAL_HOST}/agent/tickets/{NUMBER}"
    assert pair[USGOV].agent_url == f"https://{USGOV_HOST}/agent/tickets/{NUMBER}"
    assert pair[USGOV].organization.agent_url == f"https://{USGOV_HOST}/agent/organizations/77"
    assert pair[USGOV].requester.agent_url == f"https://{USGOV_HOST}/agent/users/88"
    body = csm_client.get(pair[USGOV].get_absolute_url()).content.decode()
    assert f"https://{USGOV_HOST}/agent/tickets/{NUMBER}" in body
    assert f"https://{GLOBAL_HOST}/agent/tickets/{NUMBER}" not in body


def test_the_dashboard_links_each_ticket_to_its_own_page(csm_client, pair):
    body = csm_client.get("/tickets/").content.decode()
    assert f'href="/tickets/{NUMBER}/"' in body and f'href="/tickets/usgov/{NUMBER}/"' in body


def test_the_global_instance_by_name_redirects_and_an_unknown_instance_is_404(csm_client, pair):
    response = csm_client.get(f"/tickets/global/{NUMBER}/")
    assert response.status_code == 301 and response["Location"] == f"/tickets/{NUMBER}/"
    assert csm_client.get(f"/tickets/emea/{NUMBER}/").status_code == 404
    assert csm_client.get(f"/tickets/usgov/{NUMBER + 1}/").status_code == 404


def test_a_portal_id_redirects_to_the_tickets_own_instance_address(csm_client, pair):
    response = csm_client.get(f"/tickets/id/{pair[USGOV].pk}/")
    assert response.status_code == 301 and response["Location"] == f"/tickets/usgov/{NUMBER}/"


def test_a_salesforce_case_belongs_to_the_global_instances_ticket_only(csm_client, pair):
    CaseFactory(ticket=None, zd_ticket_id=NUMBER, case_number="00012345", sf_id="500000000000001AAA")
    assert "Salesforce case 00012345" in csm_client.get(f"/tickets/{NUMBER}/").content.decode()
    assert "00012345" not in csm_client.get(f"/tickets/usgov/{NUMBER}/").content.decode()


def test_teaching_from_another_instances_ticket_names_that_ticket(csm_client, pair):
    account = pair[USGOV].account
    body = csm_client.get(pair[USGOV].get_absolute_url()).content.decode()
    assert "ticket=https%3A%2F%2Facme-gov.zendesk.com%2Fagent%2Ftickets%2F4242" in body
    teach = csm_client.get(
        f"/tickets/accounts/{account.pk}/education-email/",
        {"ticket": pair[USGOV].reference},
    )
    assert teach.status_code == 200 and "Help from usgov" in teach.content.decode()
