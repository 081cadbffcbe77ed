"""End to end with the real sync and the sandbox: the webhook installed through Zendesk's API
(`zendesk_webhook install`), a customer opens a ticket in (sandbox) Zendesk, the trigger's
signed webhook reaches the portal, the worker fetches the ticket, and the CSM gets one email.
"""

import json
import threading
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client

from accounts.models import Organization, SalesforceUser
from integrations.runner import run_stream
from integrations.streams import ORDER
from notifications.models import Notification
from sandbox.ids import iso_z
from sandbox.webhooks import sign, ticket_created_event
from tests.webhook_install import install_webhook
from users.models import User
from users.roles import Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.slow]


def point_at(settings, handle):
    for name, value in handle.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""


def sync_all():
    for spec in ORDER:
        run_stream(spec.name, may_wait=True)


def make_csms_and_pick_an_org():
    """Portal logins for the Salesforce users (so accounts get their CSM), and an org to use."""
    group, _ = Group.objects.get_or_create(name=Role.CSM)
    for sf_user in SalesforceUser.objects.exclude(email=""):
        user = User.objects.create_user(email=sf_user.email, name=sf_user.name, password="x" * 12)
        EmailAddress.objects.create(user=user, email=user.email.lower(), primary=True, verified=True)
        user.groups.add(group)
    run_stream("salesforce.users", full=True, may_wait=True)  # matches them (after_run)
    org = (
        Organization.objects.filter(account__csm__isnull=False)
        .select_related("account", "account__csm")
        .order_by("zd_id")
        .first()
    )
    assert org is not None, "the sandbox has accounts with a CSM"
    return org


def emails_about(zd_id):
    return [m for m in mail.outbox if m.extra_headers.get("X-CSM-Portal-Ticket") == str(zd_id)]


def test_a_backfill_of_old_tickets_emails_nobody(sandbox, settings):
    point_at(settings, sandbox)
    sync_all()
    make_csms_and_pick_an_org()
    run_stream("zendesk.tickets", full=True, may_wait=True)
    assert not mail.outbox and not Notification.objects.exists()


def test_the_sandboxs_webhook_reaches_the_portal_and_the_csm_gets_one_email(
    make_sandbox, live_server, settings
):
    handle = make_sandbox()
    install_webhook(settings, handle, live_server.url)
    sync_all()
    org = make_csms_and_pick_an_org()

    started = time.monotonic()
    ticket = handle.server.open_customer_ticket(org=org.zd_id, subject="Runner is down", priority="urgent")
    deadline = started + 20
    while not emails_about(ticket["id"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert handle.wait_for_webhooks()
    assert [d["status"] for d in handle.state.webhook_deliveries] == [202]

    (message,) = emails_about(ticket["id"])
    assert message.to == [org.account.csm.email]
    assert f"https://example.zendesk.com/agent/tickets/{ticket['id']}" in message.body
    assert "/api/v2/" not in message.body
    assert "Runner is down" in message.subject and org.account.name in message.subject

    run_stream("zendesk.tickets", may_wait=True)  # the poll sees the same ticket later: nothing more
    assert len(emails_about(ticket["id"])) == 1


def test_three_duplicate_webhooks_and_a_concurrent_poll_send_one_email(sandbox, settings):
    point_at(settings, sandbox)
    sync_all()
    org = make_csms_and_pick_an_org()
    ticket = sandbox.server.open_customer_ticket(org=org.zd_id, subject="Pipelines stuck")
    body = ticket_created_event(ticket)
    raw = json.dumps(body).encode()

    def deliver():
        timestamp = iso_z(time.time())
        response = Client().post(
            "/webhooks/zendesk/",
            raw,
            content_type="application/json",
            HTTP_X_ZENDESK_WEBHOOK_SIGNATURE=sign(settings.ZENDESK_WEBHOOK_SECRET, timestamp, raw),
            HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP=timestamp,
        )
        assert response.status_code in (200, 202)  # 200: the same signed delivery, already queued

    def poll():
        run_stream("zendesk.tickets", may_wait=True)

    barrier = threading.Barrier(4)
    errors = []

    def run(work):
        try:
            barrier.wait(timeout=10)
            work()  # eager Celery: the fetch, the rule and the email run in this thread
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in (deliver, deliver, deliver, poll)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors

    assert [m.to for m in emails_about(ticket["id"])] == [[org.account.csm.email]]
    assert Notification.objects.filter(ticket__zd_id=ticket["id"]).count() == 1
