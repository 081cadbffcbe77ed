"""The account page's section: collaboration project link, the two request actions, open requests."""

import pytest

from supportops.models import RequestStatus
from tests.factories import OpsRequestFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_it_links_the_collaboration_project_and_offers_both_requests_to_the_csm(csm_client, account, org):
    OrganizationFactory(account=account, name="Acme EU", am_project_id="")
    html = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert 'href="https://gitlab.com/projects/123"' in html
    assert f'href="/requests/new/correction/{org.pk}/"' in html
    assert f'href="/requests/new/notes/{org.pk}/"' in html
    assert "The collaboration project ID is wrong" in html and "Request static org notes" in html
    assert "no collaboration project ID" in html  # the second org has none: support can't link its tickets


def test_it_shows_the_accounts_open_requests_and_not_the_closed_ones(csm_client, account, org, csm):
    active = OpsRequestFactory(organization=org, requested_by=csm, requested_am_project_id="4242")
    closed = OpsRequestFactory(organization=org, requested_by=csm, status=RequestStatus.VERIFIED)
    html = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert f'href="/requests/{active.pk}/"' in html and "4242" in html
    assert f'href="/requests/{closed.pk}/"' not in html
    # A correction is under way: no second one offered for that org.
    assert f'href="/requests/new/correction/{org.pk}/"' not in html
    assert "A correction of the collaboration project ID is under way" in html


def test_it_shows_the_link_but_no_request_actions_to_other_roles(client, other_csm, account, org):
    client.force_login(other_csm)
    html = client.get(f"/accounts/{account.pk}/").content.decode()
    assert 'href="https://gitlab.com/projects/123"' in html
    assert "/requests/new/" not in html


def test_it_escapes_the_org_name_and_its_am_id(csm_client, account):
    OrganizationFactory(account=account, name="<img src=x onerror=alert(1)>", am_project_id="<b>1</b>")
    html = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>1</b>" not in html


def test_it_lists_a_request_only_to_those_who_may_open_it(client, csm, other_csm, manager, account, org):
    item = OpsRequestFactory(organization=org, requested_by=csm, requested_am_project_id="4242")
    for viewer in (other_csm, manager):  # neither may open it (the detail page answers 403)
        client.force_login(viewer)
        assert client.get(f"/requests/{item.pk}/").status_code == 403
        html = client.get(f"/accounts/{account.pk}/").content.decode()
        assert f'href="/requests/{item.pk}/"' not in html and "4242" not in html
        assert "1 open request on this account is for its CSM and support ops." in html
    client.force_login(csm)
    html = client.get(f"/accounts/{account.pk}/").content.decode()
    assert f'href="/requests/{item.pk}/"' in html and "4242" in html
