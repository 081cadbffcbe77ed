"""An account whose organizations live in two Zendesk instances shows them side by side, each
labelled with its instance and linked to its own instance's agent page (docs/instances.md)."""

import pytest

from tests.factories import AccountFactory, OrganizationFactory
from tests.instances import GLOBAL_HOST, USGOV, USGOV_HOST, configure_two_instances

pytestmark = pytest.mark.django_db


def test_it_shows_the_organizations_of_both_instances_labelled_side_by_side(csm, csm_client, settings):
    configure_two_instances(settings)
    account = AccountFactory(csm=csm, name="Acme Corp")
    # The same organization number in both instances, the other instance's created first.
    OrganizationFactory(account=account, zd_id=11111111, zd_instance=USGOV, name="Acme Gov")
    OrganizationFactory(account=account, zd_id=11111111, name="Acme")
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert f"https://{GLOBAL_HOST}/agent/organizations/11111111" in page
    assert f"https://{USGOV_HOST}/agent/organizations/11111111" in page
    assert "Zendesk Global organization 11111111" in page
    assert "Zendesk US Government organization 11111111" in page
    # Global first, whatever the order they arrived in.
    assert page.index("Zendesk Global organization") < page.index("Zendesk US Government organization")
    people = csm_client.get(f"/contacts/account/{account.pk}/").content.decode()
    assert f"https://{USGOV_HOST}/agent/organizations/11111111" in people
    assert "Zendesk US Government org 11111111" in people


def test_with_one_instance_the_page_names_no_instance(csm, csm_client, settings):
    settings.ZENDESK_SUBDOMAIN = "acme"
    account = AccountFactory(csm=csm, name="Acme Corp")
    OrganizationFactory(account=account, zd_id=11111111)
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert 'aria-label="Zendesk organization 11111111"' in page and "Global" not in page
