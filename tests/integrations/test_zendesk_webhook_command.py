"""`manage.py zendesk_webhook install|remove|test` against the real sandbox (zenpy over HTTPS):
idempotent install, a new ticket then notifies its CSM, remove undoes it, secrets checked."""

import io
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from integrations.zendesk_setup import TRIGGER_BODY, TRIGGER_TITLE, WEBHOOK_NAME
from notifications.models import Notification
from tests.notifications.test_end_to_end import emails_about, make_csms_and_pick_an_org, sync_all
from tests.webhook_install import install_webhook, point_at, run

SITE = "https://portal.example.com"


def installed(handle):
    return handle.server.zd_webhooks.all(), handle.server.zd_triggers.all()


def open_ticket(org_zd_id, subject):
    """A customer opens a ticket through the sandbox's API (`sandbox_ticket`)."""
    out = io.StringIO()
    call_command(
        "sandbox_ticket", "--org", str(org_zd_id), "--subject", subject, "--priority", "urgent", stdout=out
    )
    return int(out.getvalue().split("#", 1)[1].split()[0])


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_install_twice_then_a_new_ticket_notifies_its_csm_and_remove_stops_it(
    make_sandbox, live_server, settings
):
    handle = make_sandbox()
    first, err = install_webhook(settings, handle, live_server.url)
    assert (
        first.count(": created (") == 2
        and "Signing secret: matches ZENDESK_WEBHOOK_SECRET." in first
        and not err
    )
    again, err = run("install")
    assert (
        again.count(": unchanged (") == 2
        and "created (" not in again
        and "updated (" not in again
        and not err
    )
    [webhook], [trigger] = installed(handle)
    assert webhook["name"] == WEBHOOK_NAME and webhook["endpoint"] == f"{live_server.url}/webhooks/zendesk/"
    assert webhook["subscriptions"] == ["conditional_ticket_events"] and webhook["status"] == "active"
    assert trigger["title"] == TRIGGER_TITLE and trigger["active"]
    assert trigger["conditions"]["all"] == [{"field": "update_type", "operator": "is", "value": "Create"}]
    assert trigger["actions"] == [{"field": "notification_webhook", "value": [webhook["id"], TRIGGER_BODY]}]

    sync_all()
    org = make_csms_and_pick_an_org()
    ticket_id = open_ticket(org.zd_id, "Runner is down")
    deadline = time.monotonic() + 20
    while not emails_about(ticket_id) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert handle.wait_for_webhooks()
    assert [(d["ticket_id"], d["status"]) for d in handle.state.webhook_deliveries] == [(ticket_id, 202)]
    (message,) = emails_about(ticket_id)
    assert message.to == [org.account.csm.email] and "Runner is down" in message.subject
    notification = Notification.objects.get(ticket__zd_id=ticket_id)
    assert notification.recipient == org.account.csm

    out, err = run("remove")
    assert (
        f"Trigger deleted: {TRIGGER_TITLE}" in out and f"Webhook deleted: {WEBHOOK_NAME}" in out and not err
    )
    assert installed(handle) == ([], [])
    later = open_ticket(org.zd_id, "Second ticket")
    assert handle.wait_for_webhooks()
    assert [d["ticket_id"] for d in handle.state.webhook_deliveries] == [ticket_id]  # none for `later`
    time.sleep(0.3)
    assert not emails_about(later) and len(mail.outbox) == 1
    assert "Nothing to remove" in run("remove")[0]


def test_install_repairs_what_was_changed_by_hand_and_remove_leaves_others(sandbox, settings):
    install_webhook(settings, sandbox, SITE)
    zd, api = sandbox.zendesk_session(), f"{sandbox.url}/api/v2"
    [webhook], [trigger] = installed(sandbox)
    zd.patch(f"{api}/webhooks/{webhook['id']}", json={"webhook": {"endpoint": "https://old.example.com/"}})
    zd.put(f"{api}/triggers/{trigger['id']}", json={"trigger": {"active": False}})
    other = sandbox.install_webhook("https://elsewhere.example.com/hook")

    out, _ = run("install")
    assert out.count(": updated (") == 2
    [mine, theirs], triggers = installed(sandbox)
    assert mine["id"] == webhook["id"] and mine["endpoint"] == f"{SITE}/webhooks/zendesk/"
    assert [t["active"] for t in triggers] == [True, True]
    assert theirs["id"] == other["webhook"]["id"]

    run("remove")
    assert [w["id"] for w in installed(sandbox)[0]] == [other["webhook"]["id"]]
    assert [t["id"] for t in installed(sandbox)[1]] == [other["trigger"]["id"]]


def test_a_webhook_made_by_hand_for_the_portal_is_adopted_not_duplicated(sandbox, settings):
    point_at(settings, sandbox, SITE)
    by_hand = sandbox.install_webhook(f"{SITE}/webhooks/zendesk/", name="portal (by hand)")
    _, err = run("install")
    webhooks, triggers = installed(sandbox)
    assert [w["id"] for w in webhooks] == [by_hand["webhook"]["id"]] and webhooks[0]["name"] == WEBHOOK_NAME
    assert len(triggers) == 2 and "would be sent twice" in err  # the hand-made trigger is pointed out


def test_install_with_a_wrong_or_missing_secret_says_so_and_how_to_fix(sandbox, settings):
    point_at(settings, sandbox, SITE)
    settings.ZENDESK_WEBHOOK_SECRET = "not-the-secret"
    out, err = run("install")
    assert out.count(": created (") == 2 and "matches" not in out
    assert "ZENDESK_WEBHOOK_SECRET does not match the webhook's signing secret" in err
    assert f"    ZENDESK_WEBHOOK_SECRET={sandbox.config.webhook_secret}\n" in err and "restart" in err

    settings.ZENDESK_WEBHOOK_SECRET = ""
    assert "ZENDESK_WEBHOOK_SECRET is not set" in run("install")[1]

    settings.ZENDESK_WEBHOOK_SECRET = sandbox.config.webhook_secret
    assert "matches" in run("install")[0]
    [webhook], _ = installed(sandbox)
    reset = sandbox.zendesk_session().post(f"{sandbox.url}/api/v2/webhooks/{webhook['id']}/signing_secret")
    new_secret = reset.json()["signing_secret"]["secret"]
    out, err = run("install")
    assert out.count(": unchanged (") == 2 and f"ZENDESK_WEBHOOK_SECRET={new_secret}\n" in err


def test_bad_credentials_and_a_missing_install_are_clear_errors(sandbox, settings):
    point_at(settings, sandbox, SITE)
    with pytest.raises(CommandError, match="not installed"):
        run("test")
    settings.ZENDESK_API_TOKEN = "wrong-token"
    with pytest.raises(CommandError, match="401 - check the credentials"):
        run("install")
    assert installed(sandbox) == ([], [])


def test_an_unreachable_zendesk_is_a_clear_error(make_sandbox, settings):
    handle = make_sandbox()
    point_at(settings, handle, SITE)
    handle.stop()
    with pytest.raises(CommandError, match="Zendesk is not reachable"):
        run("install")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_test_action_reports_whether_the_portal_accepts_the_signature(sandbox, live_server, settings):
    install_webhook(settings, sandbox, live_server.url)
    out, _ = run("test")
    assert "accepted a signed test request (200)" in out
    settings.ZENDESK_WEBHOOK_SECRET = "the-portal-has-another-secret"  # the live server reads it too
    with pytest.raises(CommandError, match=r"refused the test request's signature \(401\)"):
        run("test")
    assert not Notification.objects.exists() and not mail.outbox
