"""A support-ops request about another Zendesk instance's organization: its text links that
instance's agent page and it is filed in that instance's support-ops tracker (docs/instances.md)."""

from types import SimpleNamespace

import pytest

from supportops import services, tracker
from supportops.text import correction_text, org_agent_url
from tests.factories import AccountFactory, OrganizationFactory
from tests.instances import GLOBAL_HOST, USGOV, USGOV_HOST, USGOV_TRACKER, configure_two_instances

pytestmark = pytest.mark.django_db
GLOBAL_TRACKER = "gitlab-com/support/support-ops/zendesk-global/organizations"


@pytest.fixture(autouse=True)
def two_instances(settings):
    configure_two_instances(settings)
    settings.GITLAB_TOKEN = ""
    settings.GITLAB_URL = "https://gitlab.com"
    settings.GITLAB_ORGS_PROJECT = GLOBAL_TRACKER


def test_the_org_url_is_on_the_organizations_own_instance():
    assert org_agent_url(42) == f"https://{GLOBAL_HOST}/agent/organizations/42/tickets"
    assert org_agent_url(42, USGOV) == f"https://{USGOV_HOST}/agent/organizations/42/tickets"
    text = correction_text(zd_organization_id=42, am_project_id="1", project_url="x", zd_instance=USGOV)
    assert f"**Org**: https://{USGOV_HOST}/agent/organizations/42/tickets\n" in text


def test_a_request_follows_its_organizations_instance_to_its_tracker(csm, client):
    account = AccountFactory(csm=csm)
    orgs = {
        instance: OrganizationFactory(
            account=account, zd_id=11111111, zd_instance=instance, am_project_id="1"
        )
        for instance in ("global", USGOV)
    }
    items = {
        instance: services.ops_request_open_correction(
            user=csm, organization=org, am_project_id="4242", project_url="https://gitlab.com/acme/collab"
        )
        for instance, org in orgs.items()
    }
    gov = items[USGOV]
    assert gov.zd_instance == USGOV and items["global"].zd_instance == "global"
    assert f"https://{USGOV_HOST}/agent/organizations/11111111/tickets" in gov.body
    assert f"https://{GLOBAL_HOST}/agent/organizations/11111111/tickets" in items["global"].body
    assert tracker.tracker_project(gov) == USGOV_TRACKER
    assert tracker.tracker_project(items["global"]) == GLOBAL_TRACKER
    client.force_login(csm)
    page = client.get(f"/requests/{gov.pk}/").content.decode()
    assert f"https://gitlab.com/{USGOV_TRACKER}/-/issues/new?" in page
    assert f"https://{USGOV_HOST}/agent/organizations/11111111/tickets" in page

    filed_in = []

    def create_issue(project, **fields):
        filed_in.append(project)
        return SimpleNamespace(iid=1, state="opened")

    assert tracker._file(SimpleNamespace(create_issue=create_issue), gov) == "filed"
    gov.refresh_from_db()
    assert filed_in == [USGOV_TRACKER] and gov.gitlab_project == USGOV_TRACKER
