"""The sync page's waiting lists count and list a restricted instance's rows (usgov) only for
people cleared for it, admins included."""

import pytest

from tests.factories import TicketFactory
from tests.instances.restricted import USGOV, clear, restrict

pytestmark = pytest.mark.django_db


def test_an_admin_sees_the_restricted_waiting_rows_only_once_cleared(client, settings, admin_user):
    restrict(settings)
    TicketFactory(zd_id=4242, zd_requester_id=991, requester=None, subject="Zenithal waits")
    TicketFactory(
        zd_id=4242, zd_instance=USGOV, zd_requester_id=991, requester=None, subject="Federalia waits"
    )
    client.force_login(admin_user)
    findings = {f.key: f.count for f in client.get("/sync/").context["findings"]}
    assert findings["tickets-without-requester"] == 1
    listing = client.get("/sync/waiting/tickets-without-requester/").content.decode()
    assert "Zenithal waits" in listing and "Federalia" not in listing

    clear(admin_user)
    findings = {f.key: f.count for f in client.get("/sync/").context["findings"]}
    assert findings["tickets-without-requester"] == 2
    assert "Federalia waits" in client.get("/sync/waiting/tickets-without-requester/").content.decode()
