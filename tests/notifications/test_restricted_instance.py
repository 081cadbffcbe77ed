"""Notifications about a restricted Zendesk instance's data (usgov) reach only people cleared for
it: new-ticket emails and bell lines, digests, and the events addressed to a person; a clearance
revoked hides what they had from then on."""

import pytest
from django.core import mail

from notifications.models import (
    AccountWatch,
    Delivery,
    EmailStatus,
    Finding,
    FindingReason,
    Kind,
    Notification,
    NotificationPreference,
    WatchKind,
)
from notifications.sending import digest_send
from supportops.services import ops_request_claim, ops_request_mark_done
from tests.factories import (
    AccountFactory,
    OpsRequestFactory,
    OrganizationFactory,
    SupportUserFactory,
    TicketFactory,
)
from tests.instances.restricted import USGOV, clear, restrict
from tests.notifications.conftest import announce
from users.models import Clearance
from users.team import clearance_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def usgov_org(settings, csm):
    restrict(settings)
    account = AccountFactory(name="Acme Federal", csm=csm)
    return OrganizationFactory(account=account, zd_instance=USGOV, zd_id=880)


def usgov_ticket(org, **fields):
    requester = SupportUserFactory(organization=org, zd_instance=USGOV)
    return TicketFactory(requester=requester, zd_instance=USGOV, subject="Federalia outage", **fields)


def test_a_restricted_ticket_reaches_the_bell_and_inbox_of_cleared_people_only(
    client, csm, other_csm, usgov_org, django_capture_on_commit_callbacks
):
    AccountWatch.objects.create(user=other_csm, account=usgov_org.account, kind=WatchKind.FOLLOW)
    clear(other_csm)
    ticket = usgov_ticket(usgov_org)
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    assert list(Notification.objects.filter(ticket=ticket).values_list("recipient", "zd_instance")) == [
        (other_csm.pk, USGOV)
    ]
    assert [m.to for m in mail.outbox] == [[other_csm.email]]  # the uncleared CSM gets nothing
    client.force_login(csm)
    assert "Federalia" not in client.get("/notifications/bell/").content.decode()
    assert "Federalia" not in client.get("/notifications/").content.decode()


def test_a_restricted_ticket_whose_people_are_none_of_them_cleared_is_a_finding_only_the_cleared_see(
    client, csm, admin_user, usgov_org, django_capture_on_commit_callbacks
):
    ticket = usgov_ticket(usgov_org)
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    assert not Notification.objects.exists() and not mail.outbox
    assert Finding.objects.get(ticket=ticket).reason == FindingReason.NO_RECIPIENT
    client.force_login(admin_user)  # admins too need a clearance
    assert "Federalia" not in client.get("/notifications/findings/").content.decode()
    clear(admin_user)
    assert "Federalia outage" in client.get("/notifications/findings/").content.decode()


def test_a_revoked_clearance_hides_the_bell_lines_and_the_digest_lines_from_then_on(
    client, csm, admin_user, usgov_org, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=csm, delivery=Delivery.DIGEST)
    clear(csm)
    ticket = usgov_ticket(usgov_org)
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
    row = Notification.objects.get(ticket=ticket, recipient=csm)
    client.force_login(csm)
    assert "Federalia" in client.get("/notifications/").content.decode()
    assert client.get("/notifications/bell/").context["unread"] == 1

    clearance_revoke(user=csm, instance=USGOV, by=admin_user)
    assert client.get("/notifications/bell/").context["unread"] == 0
    assert "Federalia" not in client.get("/notifications/").content.decode()
    assert client.get(f"/notifications/{row.pk}/").status_code == 404
    assert digest_send(user_id=csm.pk) == 0 and not mail.outbox
    row.refresh_from_db()
    assert row.email_status == EmailStatus.NOT_EMAILED


def test_events_about_a_restricted_request_reach_only_cleared_people(csm, ops, usgov_org):
    item = OpsRequestFactory(organization=usgov_org, account=usgov_org.account, requested_by=csm)
    clear(ops)
    ops_request_claim(user=ops, ops_request=item)
    assert not Notification.objects.filter(recipient=csm).exists()  # the CSM is not cleared
    Clearance.objects.create(user=csm, instance=USGOV)
    item.refresh_from_db()
    ops_request_mark_done(user=ops, ops_request=item)
    [line] = Notification.objects.filter(recipient=csm)
    assert (line.kind, line.zd_instance) == (Kind.DONE, USGOV)
