"""Support-ops requests in the GitLab tracker, end to end against the sandbox (python-gitlab over
HTTPS): filed with the handbook's template, a comment and the closing in GitLab come back, the
portal's check against Zendesk then verifies it; portal comments and endings reach the issue."""

import pytest
from django.conf import settings

from accounts.models import Organization
from supportops import services, tracker
from supportops.models import EventVerb, RequestStatus
from tests.factories import UserFactory

from .test_sandbox_verification import change_org_in_zendesk, portal_on_sandbox  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ORGS = "gitlab-com/support/support-ops/zendesk-global/organizations"


@pytest.fixture
def filed(portal_on_sandbox):  # noqa: F811
    org = Organization.objects.filter(account__isnull=False).select_related("account").first()
    csm = UserFactory(roles=["CSM"], email="csm.tracker@example.com", name="Account CSM")
    org.account.csm = csm
    org.account.save()
    item = services.ops_request_open_correction(
        user=csm,
        organization=org,
        am_project_id="17735787",
        project_url="https://gitlab.com/customers/collab",
    )
    item.refresh_from_db()
    return portal_on_sandbox, item, csm, org


def issue(sandbox, iid):
    return sandbox.gitlab.project(ORGS).issues[iid]


def test_a_correction_is_filed_as_the_handbooks_issue_and_linked_from_the_request(filed, client):
    sandbox, item, csm, org = filed
    assert item.gitlab_project == ORGS and item.gitlab_iid == 1 and item.gitlab_state == "opened"
    filed_issue = issue(sandbox, 1)
    assert filed_issue["description"] == item.body  # the handbook's template, word for word
    assert filed_issue["description"].startswith("**Context/Request**: For an ORG I manage")
    assert org.name in filed_issue["title"]
    client.force_login(csm)
    page = client.get(f"/requests/{item.pk}/").content.decode()
    assert f'href="{settings.GITLAB_URL}/{ORGS}/-/issues/1"' in page


def test_a_comment_and_the_closing_in_gitlab_come_back_and_zendesk_verifies_it(filed):
    sandbox, item, _csm, org = filed
    project = sandbox.gitlab.project(ORGS)
    ops_user = sandbox.gitlab.user("support-ops-bot")
    sandbox.gitlab.add_note(project, 1, "Changing it now.", ops_user)
    sandbox.gitlab.set_state(project, 1, "close", ops_user)

    assert tracker.ops_requests_mirror() == 1
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE and item.gitlab_state == "closed"
    comments = list(item.events.filter(verb=EventVerb.COMMENTED).values_list("text", flat=True))
    assert comments == ["support-ops-bot in GitLab: Changing it now."]
    assert tracker.ops_requests_mirror() == 0  # nothing new: nothing mirrored twice

    change_org_in_zendesk(sandbox, org.zd_id, "17735787")
    from integrations.runner import run_stream

    run_stream("zendesk.organizations", trigger="test")
    item.refresh_from_db()
    assert item.status == RequestStatus.VERIFIED  # the existing check against Zendesk closed the loop


def test_a_portal_comment_is_posted_once_and_cancelling_closes_the_issue(filed):
    sandbox, item, csm, _org = filed
    services.ops_request_comment(user=csm, ops_request=item, text="The project moved last week.")
    notes = issue(sandbox, 1)["notes"]
    assert [n["body"] for n in notes] == ["Account CSM wrote in the portal:\n\nThe project moved last week."]
    assert tracker.ops_requests_mirror() == 0  # our own note is not mirrored back as a new comment

    services.ops_request_cancel(user=csm, ops_request=item, reason="Fixed it myself.")
    assert issue(sandbox, 1)["state"] == "closed"
    assert "Fixed it myself." in issue(sandbox, 1)["notes"][-1]["body"]


def test_without_gitlab_the_request_page_offers_the_prefilled_new_issue(settings, client, csm):
    from tests.factories import AccountFactory, OrganizationFactory

    settings.GITLAB_TOKEN = ""
    settings.GITLAB_URL = "https://gitlab.com"
    org = OrganizationFactory(account=AccountFactory(csm=csm), name="Acme", zd_id=11111111, am_project_id="1")
    item = services.ops_request_open_correction(
        user=csm, organization=org, am_project_id="4242", project_url="https://gitlab.com/acme/collab"
    )
    assert item.gitlab_iid is None
    client.force_login(csm)
    page = client.get(f"/requests/{item.pk}/").content.decode()
    assert f"https://gitlab.com/{ORGS}/-/issues/new?issue%5Btitle%5D=" in page
    assert "open the issue in GitLab" in page
