"""The demo's "Open a ticket as this customer": only with SANDBOX on, through the sandbox's API."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from notifications.models import Notification
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory
from tests.notifications.conftest import sandbox_customer
from tests.webhook_install import point_at

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def customer_of(csm):
    return lambda handle: sandbox_customer(handle, csm)


def test_without_the_sandbox_there_is_no_button_and_the_routes_are_not_found(csm_client, csm, settings):
    settings.SANDBOX = False
    account = AccountFactory(csm=csm)
    assert "Open a ticket as this customer" not in csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert "Open a ticket as this customer" not in csm_client.get("/notifications/").content.decode()
    assert csm_client.post("/notifications/demo-ticket/", {"account": account.pk}).status_code == 404
    assert csm_client.get("/notifications/demo-ticket/123/").status_code == 404


def test_the_account_pages_button_opens_a_ticket_as_one_of_its_customers_through_the_sandbox(
    csm_client, make_sandbox, settings, customer_of
):
    handle = make_sandbox()
    point_at(settings, handle)
    account, org_rec, person = customer_of(handle)
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert "Open a ticket as this customer" in page and f'name="account" value="{account.pk}"' in page

    response = csm_client.post("/notifications/demo-ticket/", {"account": account.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    ticket = handle.state.ticket(handle.config.tickets + 1)
    assert ticket["organization_id"] == org_rec["id"] and ticket["requester_id"] == person["id"]
    assert ticket["subject"] and ticket["description"]  # generated, realistic text
    html = response.content.decode()
    assert f"opened ticket #{ticket['id']}" in html and "Robin Customer" in html
    assert f'hx-get="/notifications/demo-ticket/{ticket["id"]}/?n=0"' in html  # asks until notified


def test_without_javascript_the_button_says_so_and_goes_back(csm_client, make_sandbox, settings, customer_of):
    handle = make_sandbox()
    point_at(settings, handle)
    account, *_ = customer_of(handle)
    response = csm_client.post(
        "/notifications/demo-ticket/", {"account": account.pk, "next": "/notifications/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/notifications/"
    assert "Robin Customer of" in response.content.decode()


def test_the_status_line_names_who_was_notified_and_tells_the_bell(csm_client, csm, settings):
    settings.SANDBOX = True
    account = AccountFactory(csm=csm)
    ticket = TicketFactory(organization=OrganizationFactory(account=account), account=account)
    waiting = csm_client.get(f"/notifications/demo-ticket/{ticket.zd_id + 1}/?n=3")
    assert "waiting for the portal" in waiting.content.decode() and "?n=4" in waiting.content.decode()
    Notification.objects.create(
        ticket=ticket, recipient=csm, reason="csm", delivery="immediate", email_status="sent"
    )
    response = csm_client.get(f"/notifications/demo-ticket/{ticket.zd_id}/?n=4")
    html = response.content.decode()
    assert "notified" in html and "Casey CSM" in html and "hx-trigger" not in html  # stops asking
    assert response["HX-Trigger"] == "notifications-changed"


def test_make_ticket_opens_a_ticket_for_the_account_as_the_button_does(make_sandbox, settings, customer_of):
    handle = make_sandbox()
    point_at(settings, handle)
    account, org_rec, _ = customer_of(handle)
    out = io.StringIO()
    call_command("sandbox_ticket", "--account", account.name, stdout=out)
    assert "opened by Robin Customer" in out.getvalue()
    assert handle.state.ticket(handle.config.tickets + 1)["organization_id"] == org_rec["id"]


def test_sandbox_ticket_without_the_demo_says_what_to_set(settings):
    settings.SANDBOX = False
    with pytest.raises(CommandError, match=r"SANDBOX is off.*make ticket"):
        call_command("sandbox_ticket", "--org", "Acme", stdout=io.StringIO())
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DEMO", "SANDBOX", "SECRET_KEY")}
    env["DJANGO_SETTINGS_MODULE"] = "csmportal.settings"
    done = subprocess.run(
        [sys.executable, "manage.py", "sandbox_ticket"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "SECRET_KEY" in done.stderr and "DEBUG=true DEMO=true SANDBOX=true" in done.stderr
    assert "make ticket" in done.stderr


def test_the_customer_is_one_of_the_accounts_own_not_of_an_organization_that_merely_claims_it(csm):
    from notifications.demo import demo_account_for, demo_customer

    account = AccountFactory(name="Aurora Analytics AG", csm=csm)
    intruder = OrganizationFactory(account=account, name="Delta Payments Pte. Ltd.")
    own = OrganizationFactory(account=account, name="Aurora Analytics")
    SupportUserFactory(organization=intruder, role="end-user")
    mine = SupportUserFactory(organization=own, role="end-user")
    assert demo_customer(account) == (own, mine)
    assert demo_account_for(csm) == account
