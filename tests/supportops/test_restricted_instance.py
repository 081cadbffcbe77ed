"""Support-ops requests about an organization of a restricted Zendesk instance (usgov) exist only
for people cleared for it: not in the queue, its counts, CSV or the filing search, and their
pages are a 404; the same person sees them all once an admin clears them."""

import pytest
from django.core import mail

from supportops.emails import recipients_for, send_event_email
from supportops.models import EventVerb, RequestEvent
from tests.factories import UserFactory
from tests.instances import two_instances
from tests.instances.restricted import clear, restrict
from tests.instances.two_instances import GLOBAL_TEXT, ORG_NUMBER, USGOV_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, csm):
    restrict(settings)
    return two_instances.build(csm)


def _csv(client, url: str) -> str:
    return b"".join(client.get(url).streaming_content).decode()


@pytest.mark.parametrize("persona", ["csm", "ops"])
def test_the_queue_counts_csv_and_pages_hold_the_restricted_request_only_once_cleared(
    request, client, world, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    hidden, shown = world.usgov.request, world.glob.request
    queue = client.get("/requests/?status=all")
    page = queue.content.decode()
    assert f"/requests/{shown.pk}/" in page and f"/requests/{hidden.pk}/" not in page
    assert queue.context["counts"]["done"] == 1
    csv = _csv(client, "/requests/export.csv?status=all")
    assert len(csv.strip().splitlines()) == 2  # the header and the global request
    assert client.get(f"/requests/{hidden.pk}/").status_code == 404
    assert client.post(f"/requests/{hidden.pk}/comment/", {"body": "x"}).status_code == 404
    assert client.get(f"/requests/{shown.pk}/").status_code == 200

    clear(user)
    queue = client.get("/requests/?status=all")
    assert f"/requests/{hidden.pk}/" in queue.content.decode()
    assert queue.context["counts"]["done"] == 2
    assert len(_csv(client, "/requests/export.csv?status=all").strip().splitlines()) == 3
    assert USGOV_TEXT in client.get(f"/requests/{hidden.pk}/").content.decode()


def test_the_filing_search_and_forms_know_no_restricted_organization_until_cleared(client, csm, world):
    client.force_login(csm)
    found = client.get(f"/requests/new/?q={ORG_NUMBER}").content.decode()
    assert f"{GLOBAL_TEXT} org" in found and f"{USGOV_TEXT} org" not in found
    assert client.get(f"/requests/new/notes/{world.usgov.org.pk}/").status_code == 404
    assert client.get(f"/requests/new/correction/{world.usgov.org.pk}/").status_code == 404
    account = client.get(f"/accounts/{world.account.pk}/").content.decode()
    assert f"/requests/{world.usgov.request.pk}/" not in account
    clear(csm)
    assert f"{USGOV_TEXT} org" in client.get(f"/requests/new/?q={ORG_NUMBER}").content.decode()
    assert client.get(f"/requests/new/notes/{world.usgov.org.pk}/").status_code == 200


def test_a_restricted_requests_emails_go_to_cleared_people_only_never_the_shared_mailbox(
    settings, csm, ops, world
):
    settings.SUPPORT_OPS_EMAIL = "support-ops@example.com"
    cleared_ops = UserFactory(roles=["Support ops"], email="cleared.ops@example.com")
    clear(cleared_ops)
    opened = RequestEvent.objects.create(request=world.usgov.request, actor=csm, verb=EventVerb.OPENED)
    assert recipients_for(opened) == [cleared_ops.email]  # not the mailbox, not the uncleared ops
    done = RequestEvent.objects.create(request=world.usgov.request, actor=cleared_ops, verb=EventVerb.DONE)
    assert recipients_for(done) == []  # the requesting CSM is not cleared
    clear(csm)
    assert recipients_for(done) == [csm.email]
    global_opened = RequestEvent.objects.create(request=world.glob.request, actor=csm, verb=EventVerb.OPENED)
    assert recipients_for(global_opened) == ["support-ops@example.com"]
    mail.outbox.clear()
    assert send_event_email(event_id=opened.pk)
    assert [m.to for m in mail.outbox] == [[cleared_ops.email]]
