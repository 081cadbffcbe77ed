"""A second customer inside an account: an org that carries the account's Salesforce ID but whose
name and domains do not match it is called out at the top of the account page (confirm it, or
ask support ops to fix it in one click), and its tickets are marked in the account's lists
until someone confirms the link."""

import pytest
from django.urls import reverse

from accounts.services.organizations import organization_link_confirm
from supportops.models import OpsRequest, RequestKind, RequestStatus
from supportops.services import ops_request_mark_done, ops_requests_verify
from tests.factories import AccountFactory, OrganizationFactory, TicketFactory

pytestmark = pytest.mark.django_db

BANNER = "Another organization claims this account"
MARK = "other organization, not confirmed"


@pytest.fixture
def aurora(csm):
    account = AccountFactory(name="Aurora Analytics AG", csm=csm, sold_to_email="buyer@auroraanalytics.ch")
    own = OrganizationFactory(account=account, name="Aurora Analytics", domain_names=["auroraanalytics.ch"])
    TicketFactory(requester__organization=own, subject="Runner stuck on our side")
    return account


@pytest.fixture
def delta(aurora):
    """Another company's org that carries Aurora's Salesforce ID (as in the demo)."""
    org = OrganizationFactory(
        account=aurora, name="Delta Payments Pte. Ltd.", domain_names=["deltapayments.sg"]
    )
    TicketFactory(requester__organization=org, subject="Payment webhook retries")
    return org


def file_url(org):
    return reverse("supportops:new_link_fix", args=[org.pk])


def confirm_url(org):
    return reverse("accounts:organization_link_confirm", args=[org.account_id, org.pk])


def test_the_account_page_calls_out_the_org_with_both_actions_for_its_csm(csm_client, aurora, delta):
    body = csm_client.get(f"/accounts/{aurora.pk}/").content.decode()
    assert BANNER in body
    assert body.index(BANNER) < body.index("Open tickets")  # at the top, before the figures
    assert "Delta Payments Pte. Ltd." in body and "deltapayments.sg" in body
    assert "Confirm it, or ask support ops to fix it." in body
    assert f'action="{file_url(delta)}"' in body and f'action="{confirm_url(delta)}"' in body


@pytest.mark.parametrize("who", ["other_csm", "manager", "ops"])
def test_others_see_the_warning_without_the_buttons(client, request, aurora, delta, who):
    client.force_login(request.getfixturevalue(who))
    body = client.get(f"/accounts/{aurora.pk}/").content.decode()
    assert BANNER in body and "The account's CSM or an admin can confirm it" in body
    assert file_url(delta) not in body and confirm_url(delta) not in body


def test_an_org_that_matches_the_account_is_not_called_out(csm_client, aurora):
    assert BANNER not in csm_client.get(f"/accounts/{aurora.pk}/").content.decode()


def test_one_click_files_the_prefilled_request_and_the_page_says_it_is_under_way(
    csm_client, csm, aurora, delta, settings
):
    settings.ZENDESK_SUBDOMAIN = "acme"
    response = csm_client.post(file_url(delta), follow=True)
    item = OpsRequest.objects.get()
    assert (item.kind, item.status, item.organization, item.account) == (
        RequestKind.ORG_LINK,
        RequestStatus.OPEN,
        delta,
        aurora,
    )
    assert item.requested_by == csm
    assert f"https://acme.zendesk.com/agent/organizations/{delta.zd_id}/tickets" in item.body
    assert aurora.sf_id in item.body and "Aurora Analytics AG" in item.body
    assert "Delta Payments Pte. Ltd." in item.body and "deltapayments.sg" in item.body
    body = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/accounts/{aurora.pk}/#claims")
    assert f"Request {item.reference} is in the support-ops queue" in body
    assert "Support ops have been asked to correct its salesforce_id" in body
    assert file_url(delta) not in body  # no second button while it is under way
    assert aurora.events.filter(verb="request.opened").exists()

    csm_client.post(file_url(delta))  # a second click (another tab) files nothing new
    assert OpsRequest.objects.count() == 1


def test_confirming_removes_the_warning_and_the_marks(csm_client, csm, aurora, delta):
    review = f"/tickets/accounts/{aurora.pk}/review/"
    tickets = f"/tickets/?account={aurora.pk}&csm=any"
    delta_ticket = delta.tickets.get()
    delta_ticket.quality_score = 10
    delta_ticket.save()
    listed = csm_client.get(tickets).content.decode()
    assert listed.count(MARK) == 1  # Delta's ticket, not Aurora's own
    row = listed[listed.index("Payment webhook retries") :]
    assert MARK in row[: row.index("</tr>")]
    assert MARK in csm_client.get(review).content.decode()
    export = b"".join(csm_client.get(f"/tickets/export.csv?account={aurora.pk}&csm=any").streaming_content)
    assert export.decode().count("Delta Payments Pte. Ltd.,yes,") == 1
    cadence = f"/feedback/accounts/{aurora.pk}/cadence/"
    assert csm_client.get(cadence).content.decode().count(MARK) == 1

    response = csm_client.post(confirm_url(delta), follow=True)
    assert "belongs to Aurora Analytics AG" in response.content.decode()
    assert BANNER not in response.content.decode()
    assert MARK not in csm_client.get(tickets).content.decode()
    assert MARK not in csm_client.get(review).content.decode()
    assert MARK not in csm_client.get(cadence).content.decode()


def test_the_org_sync_closes_the_request_once_the_org_no_longer_claims_the_account(csm, ops, aurora, delta):
    from supportops.services import ops_request_open_link_fix

    item = ops_request_open_link_fix(user=csm, organization=delta)
    ops_request_mark_done(user=ops, ops_request=item)
    assert ops_requests_verify(organization_ids=[delta.pk]) == []  # still pointing at Aurora

    delta.account = AccountFactory(name="Delta Payments")  # support ops fixed its salesforce_id
    delta.salesforce_id = delta.account.sf_id
    delta.save()
    assert ops_requests_verify(organization_ids=[delta.pk]) == [item.pk]
    item.refresh_from_db()
    assert item.status == RequestStatus.VERIFIED
    assert "no longer claims Aurora Analytics AG" in item.events.last().text


def test_a_confirmed_org_no_longer_claims_the_account_unconfirmed(csm, aurora, delta):
    from accounts.claims import organization_claims

    assert [c.org for c in organization_claims(aurora, [delta])] == [delta]
    organization_link_confirm(organization=delta, user=csm)
    delta.refresh_from_db()
    assert organization_claims(aurora, [delta]) == []


def test_the_request_page_says_whether_the_org_still_claims_the_account(csm_client, csm, aurora, delta):
    from supportops.services import ops_request_open_link_fix

    item = ops_request_open_link_fix(user=csm, organization=delta)
    body = csm_client.get(f"/requests/{item.pk}/").content.decode()
    assert "Organization linked to the wrong account" in body
    assert aurora.sf_id in body and "still claims Aurora Analytics AG" in body
