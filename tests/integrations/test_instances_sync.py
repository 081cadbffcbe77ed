"""More than one Zendesk instance: each instance's streams run, lock, pace and report on their
own, against the real sandbox serving two instances with the same ticket numbers; a failing
instance never stops the other; the webhook of one instance refuses the other's signature."""

import time

import pytest
from django.urls import reverse

from accounts.models import Account, Organization
from csmportal import health
from integrations import links, webhooks
from integrations.models import RunStatus, SyncRun, SyncState
from integrations.runner import run_stream
from integrations.streams import all_streams, get_stream, stream_keys
from integrations.tasks import SYNC_TASKS
from integrations.zendesk import ZendeskClient
from tickets.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

USGOV = {"usgov": {"tickets": 30, "accounts": 3, "name": "US Government"}}


@pytest.fixture
def two(make_sandbox, point_at):
    """A sandbox with the instances global and usgov, the portal pointed at both."""
    handle = make_sandbox(instances=USGOV)
    point_at(handle)
    return handle


def sync_every_instance() -> dict:
    return {spec.stream: run_stream(spec.stream, may_wait=True) for spec in all_streams()}


def expected_accounts(handle, key: str) -> tuple[dict, dict]:
    """What the sandbox's instance holds: {ticket: account Id}, {organization: account Id}, each
    organization linked to the account its own ``salesforce_id`` names (18 or 15 characters)."""
    state = handle.instance(key).state
    accounts = sorted(Account.objects.values_list("sf_id", flat=True))

    def named(value) -> str | None:
        wanted = (value or "").strip()
        return next((a for a in accounts if a == wanted or (len(wanted) == 15 and a[:15] == wanted)), None)

    orgs = {o["id"]: named(o["organization_fields"]["salesforce_id"]) for o in state.world.orgs}
    tickets = {
        zd_id: orgs.get(state.ticket(zd_id)["organization_id"]) for zd_id in range(1, state.next_ticket_id)
    }
    return tickets, orgs


def mirrored_accounts(key: str) -> tuple[dict, dict]:
    tickets = dict(Ticket.objects.filter(zd_instance=key).values_list("zd_id", "account__sf_id"))
    orgs = dict(Organization.objects.filter(zd_instance=key).values_list("zd_id", "account__sf_id"))
    return tickets, orgs


def test_streams_of_each_instance_have_their_own_keys(settings):
    settings.ZENDESK_EXTRA_INSTANCES = {"usgov": usgov_settings()}
    keys = stream_keys()
    assert "zendesk.tickets" in keys and "zendesk.tickets@usgov" in keys
    assert "salesforce.accounts" in keys and "salesforce.accounts@usgov" not in keys
    spec = get_stream("zendesk.tickets@usgov")
    assert (spec.name, spec.instance, spec.stream) == ("zendesk.tickets", "usgov", "zendesk.tickets@usgov")
    for bad in ("zendesk.tickets@emea", "salesforce.accounts@usgov", "zendesk.nothing"):
        with pytest.raises(ValueError, match="unknown stream"):
            get_stream(bad)
    settings.ZENDESK_EXTRA_INSTANCES = {}
    assert "zendesk.tickets@usgov" not in stream_keys()


def test_two_instances_with_the_same_numbers_are_both_kept_and_linked_to_their_accounts(two):
    runs = sync_every_instance()
    assert {key: run.status for key, run in runs.items()} == dict.fromkeys(runs, RunStatus.SUCCEEDED)
    for key in ("global", "usgov"):
        want_tickets, want_orgs = expected_accounts(two, key)
        have_tickets, have_orgs = mirrored_accounts(key)
        assert have_tickets == want_tickets, key
        assert have_orgs == want_orgs, key
    # Ticket 5 is in both, each with its own instance's content.
    fives = dict(Ticket.objects.filter(zd_id=5).values_list("zd_instance", "subject"))
    assert fives == {key: two.instance(key).state.ticket(5)["subject"] for key in ("global", "usgov")}
    # The same numbers name other accounts in the two instances: a mix-up would show above.
    g_tickets, u_tickets = expected_accounts(two, "global")[0], expected_accounts(two, "usgov")[0]
    assert any(u_tickets[n] and u_tickets[n] != g_tickets[n] for n in u_tickets)
    # Each instance has its own cursor: a change in usgov is read by usgov's stream only.
    two.instance("usgov").state.update_ticket(7, status="solved")
    assert run_stream("zendesk.tickets", may_wait=True).updated == 0
    assert run_stream("zendesk.tickets@usgov", may_wait=True).updated == 1
    assert Ticket.objects.get(zd_instance="usgov", zd_id=7).status == "solved"
    assert (
        Ticket.objects.get(zd_instance="global", zd_id=7).status
        == two.instance("global").state.ticket(7)["status"]
    )
    # A second sync of everything changes nothing.
    again = sync_every_instance()
    assert {key: (run.created, run.updated, run.deleted) for key, run in again.items()} == dict.fromkeys(
        again, (0, 0, 0)
    )


def test_a_failing_instance_records_why_and_never_stops_the_other(two, settings):
    settings.ZENDESK_EXTRA_INSTANCES["usgov"]["api_token"] = "revoked"
    assert SYNC_TASKS["zendesk.organizations"].apply(kwargs={"instance": "usgov"}).get() == "failed"
    assert SYNC_TASKS["zendesk.organizations"].apply().get().startswith("succeeded")
    failed = SyncRun.objects.get(stream="zendesk.organizations@usgov")
    assert failed.status == RunStatus.FAILED and "401" in failed.error
    assert "401" in SyncState.objects.get(stream="zendesk.organizations@usgov").last_error
    ok = SyncRun.objects.get(stream="zendesk.organizations")
    assert ok.status == RunStatus.SUCCEEDED and ok.created == len(two.instance("global").state.world.orgs)
    assert not Organization.objects.filter(zd_instance="usgov").exists()
    # A 5xx of usgov's (retried, then given up) fails usgov's run and leaves global's alone.
    settings.ZENDESK_EXTRA_INSTANCES["usgov"]["api_token"] = two.instance("usgov").config.zendesk_api_token
    two.instance("usgov").state.faults.inject_next("503", count=20, path_prefix="/api/v2/")
    with pytest.raises(Exception, match="503"):
        run_stream("zendesk.users@usgov", may_wait=True)
    assert run_stream("zendesk.users", may_wait=True).status == RunStatus.SUCCEEDED
    assert SyncRun.objects.get(stream="zendesk.users@usgov").status == RunStatus.FAILED
    # /healthz and the sync page say which instance fails.
    report = health.sync_state()
    assert report["streams"]["zendesk.users"]["stale"] is False
    assert report["streams"]["zendesk.users@usgov"]["stale"] is True
    assert report["instances"]["usgov"] == {"ok": False}
    assert health.summary(
        {"status": "degraded", "database": {"ok": True}, "broker": {"ok": True}, "sync": report}
    )["sync"]["instances"]["usgov"] == {"ok": False}


def test_each_instance_paces_to_its_own_budget(two, settings):
    settings.ZENDESK_RATE_LIMIT = "default=2/60"
    settings.ZENDESK_EXTRA_INSTANCES["usgov"]["rate_limit"] = "default=2/60"
    global_client = ZendeskClient.for_instance("global")
    usgov_client = ZendeskClient.for_instance("usgov")
    for _ in range(2):
        global_client.ping()
    from integrations.errors import RateLimited

    with pytest.raises(RateLimited):
        global_client.ping()
    usgov_client.ping()  # usgov's budget is its own
    usgov_client.ping()
    with pytest.raises(RateLimited):
        usgov_client.ping()


def test_the_sync_page_groups_the_streams_by_instance(two, client, django_user_model):
    from django.contrib.auth.models import Group

    from users.roles import Role

    admin = django_user_model.objects.create_user(email="ops@example.com", password="x" * 12)
    admin.groups.add(Group.objects.get_or_create(name=Role.SUPPORT_OPS)[0])
    client.force_login(admin)
    run_stream("zendesk.organizations@usgov", may_wait=True)
    page = client.get(reverse("integrations:sync")).content.decode()
    assert "Zendesk: Global" in page and "Zendesk: US Government" in page and ">Salesforce<" in page
    assert 'data-stream="zendesk.tickets@usgov"' in page and 'data-stream="zendesk.tickets"' in page
    assert "Zendesk organizations (US Government)" in page
    answer = client.post(reverse("integrations:sync_now"), {"stream": "zendesk.tickets@usgov"}, follow=True)
    assert "Sync of Zendesk tickets (US Government) queued." in answer.content.decode()


def usgov_settings(**changes):
    values = {
        "name": "US Government",
        "subdomain": "example-usgov",
        "email": "usgov-portal@example.com",
        "api_token": "sandbox-usgov-token",
        "webhook_secret": "usgov-secret",
        "restricted": True,
        "tracker_project": "",
        "rate_limit": "",
    }
    return {**values, **changes}


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """``deliver(path, secret)``: a delivery as Zendesk signs it; what it enqueues runs."""

    def post(path, secret, body=b'{"ticket_id": "5"}', invocation="1"):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                path,
                data=body,
                content_type="application/json",
                HTTP_X_ZENDESK_WEBHOOK_SIGNATURE=webhooks.signature_for(secret, stamp, body),
                HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP=stamp,
                HTTP_X_ZENDESK_WEBHOOK_ID="hook",
                HTTP_X_ZENDESK_WEBHOOK_INVOCATION_ID=invocation,
            )

    return post


def test_a_delivery_signed_with_another_instances_secret_is_refused(deliver, settings, monkeypatch):
    settings.ZENDESK_WEBHOOK_SECRET = "global-secret"
    settings.ZENDESK_EXTRA_INSTANCES = {"usgov": usgov_settings()}
    queued = []
    monkeypatch.setattr(
        webhooks, "enqueue_fetch", lambda ticket, instance="global": queued.append((ticket, instance))
    )
    usgov = reverse("integrations:zendesk_webhook_instance", kwargs={"instance": "usgov"})
    assert usgov == "/webhooks/zendesk/usgov/"
    assert deliver(usgov, "global-secret").status_code == 401
    assert deliver("/webhooks/zendesk/", "usgov-secret").status_code == 401
    assert deliver("/webhooks/zendesk/emea/", "usgov-secret").status_code == 404
    assert queued == []
    assert deliver(usgov, "usgov-secret").status_code == 202
    # The same Zendesk ids from the other instance are another delivery, not a replay.
    assert deliver("/webhooks/zendesk/", "global-secret").status_code == 202
    assert deliver("/webhooks/zendesk/global/", "global-secret", invocation="2").status_code == 202
    assert deliver(usgov, "usgov-secret").status_code == 200  # a replay
    assert queued == [(5, "usgov"), (5, "global"), (5, "global")]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not hasattr(links, "has_instance"),
    reason="a ticket fetched alone links its comments within its instance once links.py is instance-aware",
)
def test_a_new_ticket_in_usgov_reaches_the_portal_through_usgovs_webhook(
    make_sandbox, point_at, live_server, settings
):
    """The urgent path per instance: `zendesk_webhook install --instance usgov`, a customer opens
    a ticket in usgov (whose number global has too), usgov's signed webhook reaches
    /webhooks/zendesk/usgov/, the worker fetches it with usgov's client, and its CSM is notified."""
    from tests.notifications.test_end_to_end import emails_about, make_csms_and_pick_an_org

    handle = make_sandbox(instances=USGOV)
    point_at(handle)
    settings.SITE_URL = live_server.url
    out, err = run_install("usgov")
    assert not err, err
    assert (
        "/webhooks/zendesk/usgov/" in out and "Signing secret: matches ZENDESK_USGOV_WEBHOOK_SECRET." in out
    )
    [hook] = handle.instance("usgov").zd_webhooks.all()
    assert hook["endpoint"] == f"{live_server.url}/webhooks/zendesk/usgov/"
    assert handle.instance("global").zd_webhooks.all() == []
    sync_every_instance()
    make_csms_and_pick_an_org()
    org = (
        Organization.objects.filter(zd_instance="usgov", account__csm__isnull=False)
        .select_related("account__csm")
        .order_by("zd_id")
        .first()
    )
    assert org is not None, "usgov has an account with a CSM"
    ticket = handle.server.open_customer_ticket(org=org.zd_id, subject="Gov runner down", instance="usgov")
    assert Ticket.objects.filter(zd_instance="global", zd_id=ticket["id"]).exists()  # the same number
    deadline = time.monotonic() + 20
    while not emails_about(ticket["id"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert handle.wait_for_webhooks()
    assert [d["status"] for d in handle.instance("usgov").state.webhook_deliveries] == [202]
    (message,) = emails_about(ticket["id"])
    csm = org.account.csm if org.account else None
    assert csm is not None and message.to == [csm.email] and "Gov runner down" in message.subject
    mirrored = Ticket.objects.get(zd_instance="usgov", zd_id=ticket["id"])
    assert mirrored.subject == "Gov runner down" and mirrored.organization == org
    assert Ticket.objects.get(zd_instance="global", zd_id=ticket["id"]).subject != "Gov runner down"


def run_install(instance: str) -> tuple[str, str]:
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("zendesk_webhook", "install", "--instance", instance, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_restricted_instances_streams_exist_only_for_people_cleared_for_it(
    client, settings, django_user_model
):
    from django.contrib.auth.models import Group

    from users.models import Clearance
    from users.roles import Role

    settings.ZENDESK_EXTRA_INSTANCES = {"usgov": usgov_settings(restricted=True)}
    ops = django_user_model.objects.create_user(email="ops@example.com", password="x" * 12)
    ops.groups.add(Group.objects.get_or_create(name=Role.SUPPORT_OPS)[0])
    client.force_login(ops)
    page = client.get(reverse("integrations:sync")).content.decode()
    assert "usgov" not in page and "US Government" not in page and "Zendesk: Global" not in page
    assert 'data-stream="zendesk.tickets"' in page and "Zendesk tickets (Global)" not in page
    refused = client.post(reverse("integrations:sync_now"), {"stream": "zendesk.tickets@usgov"}, follow=True)
    assert "Choose a stream to sync." in refused.content.decode()
    assert not SyncState.objects.filter(stream="zendesk.tickets@usgov").exists()
    Clearance.objects.create(user=ops, instance="usgov")
    page = client.get(reverse("integrations:sync")).content.decode()
    assert "Zendesk: US Government" in page and 'data-stream="zendesk.tickets@usgov"' in page
