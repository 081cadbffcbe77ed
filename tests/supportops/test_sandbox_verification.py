"""End to end against the sandbox: a correction filed, done in Zendesk (the API), verified by the sync."""

import pytest
from django.core import mail

from accounts.models import Organization
from integrations.runner import run_stream
from supportops import services
from supportops.models import EventVerb, RequestStatus
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal_on_sandbox(sandbox, settings):
    for name, value in sandbox.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""
    settings.SUPPORT_OPS_EMAIL = "support-ops@example.com"
    for stream in ("salesforce.users", "salesforce.accounts", "zendesk.organizations"):
        run_stream(stream, trigger="test")
    return sandbox


def change_org_in_zendesk(sandbox, zd_id: int, am_project_id: str) -> None:
    """What support ops do by hand: set the org field in Zendesk (PUT /api/v2/organizations/<id>.json)."""
    response = sandbox.zendesk_session().put(
        f"{sandbox.url}/api/v2/organizations/{zd_id}.json",
        json={"organization": {"organization_fields": {"am_project_id": am_project_id}}},
        timeout=10,
    )
    response.raise_for_status()
    assert response.json()["organization"]["organization_fields"]["am_project_id"] == am_project_id


def test_it_verifies_a_correction_after_the_org_is_changed_in_zendesk_and_synced(portal_on_sandbox):
    org = Organization.objects.filter(account__isnull=False).select_related("account").first()
    assert org is not None, "the sandbox's orgs link to its accounts after the sync"
    csm = UserFactory(roles=["CSM"], email="csm.sandbox@example.com")
    org.account.csm = csm
    org.account.save()
    ops = UserFactory(roles=["Support ops"])
    wanted = str(int(org.am_project_id or "0") + 1000) if (org.am_project_id or "0").isdigit() else "4242"

    item = services.ops_request_open_correction(
        user=csm, organization=org, am_project_id=wanted, project_url="https://gitlab.com/customers/collab"
    )
    services.ops_request_claim(user=ops, ops_request=item)
    services.ops_request_mark_done(user=ops, ops_request=item)

    run_stream("zendesk.organizations", trigger="test")  # Zendesk unchanged yet: still done
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE

    change_org_in_zendesk(portal_on_sandbox, org.zd_id, wanted)
    mail.outbox.clear()
    run_stream("zendesk.organizations", trigger="test")

    org.refresh_from_db()
    assert org.am_project_id == wanted
    item.refresh_from_db()
    assert item.status == RequestStatus.VERIFIED
    assert item.events.filter(verb=EventVerb.VERIFIED, actor=None).count() == 1
    assert org.account.events.filter(verb="request.verified").exists()
    assert [m.to for m in mail.outbox] == [[csm.email]]
