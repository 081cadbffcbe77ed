"""More than one Zendesk instance in one sandbox: each with its own credentials and data, the
same ticket numbers in both, one Salesforce (see docs/sandbox.md, "More than one Zendesk
instance")."""

import io
import json

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import CommandError

from integrations.zendesk import ZendeskClient
from sandbox.config import SandboxConfig
from sandbox.customer import customer_session, ticket_open, ticket_payload
from sandbox.management.commands.sandbox import build_config
from sandbox.webhooks import sign
from tests.sandbox.conftest import salesforce_for, zenpy_for
from tests.sandbox.test_webhooks import Receiver

USGOV = {"usgov": {"tickets": 40, "accounts": 3}}


@pytest.fixture
def two(make_sandbox):
    return make_sandbox(instances=USGOV)


def get(session: requests.Session, url: str, **kw) -> requests.Response:
    with session:
        return session.get(url, timeout=10, **kw)


def test_the_same_ticket_number_is_answered_by_the_instance_whose_credentials_ask(two):
    g, u = two.instance("global").state, two.instance("usgov").state
    assert g.ticket(5) is not None and u.ticket(5) is not None
    assert g.ticket(5)["subject"] != u.ticket(5)["subject"] or g.comments(5) != u.comments(5)
    for key, state in (("global", g), ("usgov", u)):
        answer = get(two.zendesk_session(key), f"{two.url}/api/v2/tickets/5.json")
        assert answer.status_code == 200
        assert answer.json()["ticket"]["subject"] == state.ticket(5)["subject"]
        assert answer.json()["ticket"]["organization_id"] == state.ticket(5)["organization_id"]
        me = get(two.zendesk_session(key), f"{two.url}/api/v2/users/me.json").json()["user"]
        assert me["email"] == two.instance(key).config.zendesk_email
    # Organization and user ids start at the same numbers in both instances too.
    assert g.world.orgs[0]["id"] == u.world.orgs[0]["id"]
    assert g.world.agents[0] == u.world.agents[0]


def test_credentials_of_another_instance_are_refused(two):
    g, u = two.instance("global").config, two.instance("usgov").config
    assert (u.zendesk_email, u.zendesk_api_token) == ("usgov-portal@example.com", "sandbox-usgov-token")
    mixed = [(g.zendesk_email, u.zendesk_api_token), (u.zendesk_email, g.zendesk_api_token)]
    for email, token in mixed:
        session = two.session()
        session.auth = (f"{email}/token", token)
        answer = get(session, f"{two.url}/api/v2/tickets/5.json")
        assert answer.status_code == 401 and answer.json() == {"error": "Couldn't authenticate you"}
        session = two.session()
        session.auth = (f"{email}/token", token)
        assert get(session, f"{two.url}/_sandbox/stats").status_code == 401
    # A Host naming an instance (as <subdomain>.zendesk.com would) picks it: only its credentials do.
    usgov_host = {"Host": "example-usgov.zendesk.com"}
    refused = get(two.zendesk_session("global"), f"{two.url}/api/v2/tickets/5.json", headers=usgov_host)
    assert refused.status_code == 401
    answer = get(two.zendesk_session("usgov"), f"{two.url}/api/v2/tickets/5.json", headers=usgov_host)
    assert answer.json()["ticket"]["subject"] == two.instance("usgov").state.ticket(5)["subject"]


def test_each_instance_has_its_own_export_cursor_faults_and_limits(two):
    url = f"{two.url}/api/v2/incremental/tickets/cursor.json"

    def export(key: str, cursor: str | None = None) -> tuple[list[int], str]:
        params = {"cursor": cursor} if cursor else {"start_time": 0}
        page = get(two.zendesk_session(key), url, params=params).json()
        assert page["end_of_stream"] is True
        return [t["id"] for t in page["tickets"]], page["after_cursor"]

    g_ids, g_cursor = export("global")
    u_ids, u_cursor = export("usgov")
    assert sorted(g_ids) == list(range(1, 121)) and sorted(u_ids) == list(range(1, 41))
    two.instance("usgov").state.update_ticket(7, status="solved")
    assert export("global", g_cursor)[0] == []
    assert export("usgov", u_cursor)[0] == [7]
    # Faults and rate limits are per instance; the control endpoints take ?instance=.
    control = two.zendesk_session("global")
    with control:
        limited = control.post(
            f"{two.url}/_sandbox/rate-limit", params={"instance": "usgov"}, json={"spec": "default=1/60"}
        )
        assert limited.status_code == 200
        unknown = control.post(f"{two.url}/_sandbox/rate-limit", params={"instance": "emea"}, json={})
        assert unknown.status_code == 400 and "usgov" in unknown.json()["description"]
    assert get(two.zendesk_session("usgov"), f"{two.url}/api/v2/tickets/5.json").status_code == 200
    assert get(two.zendesk_session("usgov"), f"{two.url}/api/v2/tickets/5.json").status_code == 429
    assert get(two.zendesk_session("global"), f"{two.url}/api/v2/tickets/5.json").status_code == 200
    two.instance("global").state.faults.inject_next("503", count=1, path_prefix="/api/v2/")
    assert get(two.zendesk_session("global"), f"{two.url}/api/v2/users/me.json").status_code == 503
    # So are schedules (business hours).
    session = two.zendesk_session("usgov")
    with session:
        replaced = session.post(f"{two.url}/_sandbox/schedules", json={"schedules": []}, timeout=10)
        assert replaced.status_code == 201
    assert two.instance("usgov").state.schedules.all() == []
    assert len(two.instance("global").state.schedules.all()) == 3
    stats = get(two.zendesk_session("usgov"), f"{two.url}/_sandbox/stats").json()
    assert stats["instance"] == "usgov" and stats["tickets"] == 40 and stats["rate_limited"]


def test_a_webhook_of_usgov_is_signed_with_its_secret_and_sent_where_it_names(two):
    usgov_hook, global_hook = Receiver(), Receiver()
    try:
        two.install_webhook(usgov_hook.url, instance="usgov")
        two.install_webhook(global_hook.url)
        org = two.instance("usgov").state.world.orgs[1]
        payload = ticket_payload(org, None, subject="Agency portal down", seed=1)
        ticket = ticket_open(two.zendesk_session("usgov"), two.url, payload)
        assert two.wait_for_webhooks() and usgov_hook.arrived.wait(5)
        headers, body = usgov_hook.received[0]
        assert json.loads(body) == {"ticket_id": str(ticket["id"])}
        stamp, signature = (
            headers["x-zendesk-webhook-signature-timestamp"],
            headers["x-zendesk-webhook-signature"],
        )
        assert signature == sign("sandbox-usgov-webhook-secret", stamp, body)
        assert signature != sign(two.config.webhook_secret, stamp, body)
        assert global_hook.received == []  # the global instance's trigger saw no ticket
        assert two.instance("global").state.webhook_deliveries == []
    finally:
        usgov_hook.close()
        global_hook.close()


def test_the_customer_api_and_control_endpoints_open_tickets_in_one_instance(two, settings):
    for name, value in two.settings().items():
        setattr(settings, name, value)
    config = SandboxConfig.from_django_settings()
    assert [i.key for i in config.instances] == ["global", "usgov"]
    g, u = two.instance("global").state, two.instance("usgov").state
    org = u.world.orgs[0]
    payload = ticket_payload(org, None, subject="Customer API in usgov", seed=2)
    ticket = ticket_open(customer_session(config, "usgov"), two.url, payload)
    assert ticket["id"] == 41 and u.ticket(41)["subject"] == "Customer API in usgov"
    assert g.ticket(41)["subject"] != "Customer API in usgov"
    out = io.StringIO()
    call_command(
        "sandbox_ticket", "--org", str(org["id"]), "--instance", "usgov", "--subject", "CLI", stdout=out
    )
    assert "in usgov" in out.getvalue() and u.ticket(42)["subject"] == "CLI"
    session = two.zendesk_session("global")
    with session:
        opened = session.post(
            f"{two.url}/_sandbox/tickets",
            headers={"X-Sandbox-Instance": "usgov"},
            json={"org": org["id"], "subject": "Control in usgov"},
            timeout=10,
        )
    assert opened.status_code == 201 and u.ticket(43)["subject"] == "Control in usgov"
    assert g.next_ticket_id == 121  # nothing was created in the global instance


def test_one_salesforce_holds_the_accounts_of_both_instances(two):
    g, u = two.instance("global").state.world, two.instance("usgov").state.world
    assert g.accounts is u.accounts and len(g.accounts) == 8 + 3
    in_global, in_usgov = set(g.org_account.values()) - {None}, set(u.org_account.values()) - {None}
    assert in_global & in_usgov, "an account with organizations in both instances"
    only_usgov = in_usgov - in_global
    assert {a["Id"] for a in g.accounts[8:]} <= only_usgov
    sf = salesforce_for(two)
    found = sf.query(f"SELECT Id, Name FROM Account WHERE Id IN ('{sorted(only_usgov)[0]}')")
    assert found["totalSize"] == 1
    # Organizations name their account as today (salesforce_id), whichever instance holds them.
    linked = [o for o in u.orgs if o["organization_fields"]["salesforce_id"] in in_usgov]
    assert linked and all(u.org_account[o["id"]] for o in linked)
    # A ticket created in usgov has no Salesforce Case (case ids follow ticket numbers).
    u_state = two.instance("usgov").state
    u_state.create_ticket({"subject": "No case", "organization_id": u.orgs[0]["id"]}, {"body": "x"})
    assert not sf.query("SELECT Id FROM Case WHERE Subject = 'No case'")["records"]


def test_zenpy_and_the_portal_client_talk_to_both_instances(two, monkeypatch, settings, db):
    settings.VAR_DIR = two.config.var_dir
    for key in ("global", "usgov"):
        state = two.instance(key).state
        zenpy = zenpy_for(two, monkeypatch, **two.zenpy_credentials(key))
        assert zenpy.tickets(id=5).subject == state.ticket(5)["subject"]
        client = ZendeskClient(base_url=two.url, sandbox=True, **two.zenpy_credentials(key))
        assert client.ticket(5).subject == state.ticket(5)["subject"]
        users = [r for page in client.user_pages() for r in page.records]
        assert len(users) == len(state.world.users)
        orgs = [r for page in client.organization_pages() for r in page.records]
        assert sorted(r.zd_id for r in orgs) == sorted(o["id"] for o in state.world.orgs)


def test_instances_come_from_the_portal_variables(settings, monkeypatch, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.ZENDESK_INSTANCES = ""
    monkeypatch.delenv("ZENDESK_INSTANCES", raising=False)
    assert build_config({}).extra_instances == ()
    # The environment (as `make run` sets it), or settings of the same names.
    monkeypatch.setenv("ZENDESK_INSTANCES", "global, usgov")
    settings.ZENDESK_USGOV_EMAIL = "gov@example.gov"
    config = build_config({"instance": ["usgov:tickets=500,accounts=10,seed=3"]})
    usgov = config.instance("usgov")
    assert (usgov.email, usgov.token, usgov.subdomain) == (
        "gov@example.gov",
        "sandbox-usgov-token",
        "example-usgov",
    )
    assert (usgov.tickets, usgov.accounts, usgov.seed) == (500, 10, 3)
    assert usgov.webhook_secret == "sandbox-usgov-webhook-secret"
    assert config.for_instance("usgov").zendesk_email == "gov@example.gov"
    with pytest.raises(CommandError, match="emea"):
        build_config({"instance": ["emea:tickets=5"]})
    with pytest.raises(CommandError, match="tickets=N"):
        build_config({"instance": ["usgov:tickets=many"]})
    settings.ZENDESK_USGOV_EMAIL = "portal@example.com"
    settings.ZENDESK_USGOV_API_TOKEN = "sandbox-zendesk-token"
    with pytest.raises(CommandError, match="credentials"):
        build_config({})
    monkeypatch.setenv("ZENDESK_INSTANCES", "global,US gov")
    with pytest.raises(CommandError, match="US gov"):
        build_config({})


def test_the_handle_gives_each_instance_settings_only_when_there_are_several(sandbox, two):
    assert "ZENDESK_INSTANCES" not in sandbox.settings() and sandbox.instances == ("global",)
    values = two.settings()
    assert values["ZENDESK_INSTANCES"] == "global,usgov"
    assert values["ZENDESK_USGOV_EMAIL"] == "usgov-portal@example.com"
    assert values["ZENDESK_USGOV_API_TOKEN"] == "sandbox-usgov-token"
    assert values["ZENDESK_USGOV_WEBHOOK_SECRET"] == "sandbox-usgov-webhook-secret"
    assert values["ZENDESK_USGOV_SUBDOMAIN"] == "example-usgov"
    assert values["ZENDESK_USGOV_RESTRICTED"] == "false"
    assert values["ZENDESK_EMAIL"] == "portal@example.com"
    assert all(isinstance(v, str) for v in two.env().values()) and two.env()["SANDBOX"] == "true"


def test_a_second_instance_leaves_the_first_ones_data_as_it_was(sandbox, two):
    alone, beside = sandbox.state, two.instance("global").state

    def zendesk(handle, state) -> str:  # its records, without the port in their URLs
        records = [state.world.orgs, state.world.users, [state.ticket(i) for i in (1, 5, 120)]]
        return json.dumps(records).replace(handle.url, "URL")

    assert zendesk(sandbox, alone) == zendesk(two, beside)
    assert alone.world.accounts == beside.world.accounts[:8] and len(beside.world.accounts) == 11
    names = [a["Name"] for a in beside.world.accounts]
    assert len(set(names)) == len(names), "the one Salesforce's account names stay unique"


def test_each_further_instance_has_its_support_ops_tracker_in_the_sandboxs_gitlab(two):
    """The portal files a usgov organization's requests in zendesk-usgov's tracker by default
    (csmportal.instances); the demo's GitLab has that project beside zendesk-global's."""
    from urllib.parse import quote

    session = two.session()
    session.headers["PRIVATE-TOKEN"] = two.config.gitlab_token
    for path in (
        "gitlab-com/support/support-ops/zendesk-global/organizations",
        "gitlab-com/support/support-ops/zendesk-usgov/organizations",
    ):
        answer = get(session, f"{two.url}/api/v4/projects/{quote(path, safe='')}")
        assert answer.status_code == 200 and answer.json()["path_with_namespace"] == path
    session = two.session()
    session.headers["PRIVATE-TOKEN"] = two.config.gitlab_token
    emea = quote("gitlab-com/support/support-ops/zendesk-emea/organizations", safe="")
    missing = get(session, f"{two.url}/api/v4/projects/{emea}")
    assert missing.status_code == 404


def test_an_instance_may_name_its_custom_fields_as_another_company_does(make_sandbox):
    """``schema="renamed"`` on one instance: its organization field keys and ticket field title
    are another company's, while the global instance (and Salesforce) keep the defaults."""
    two = make_sandbox(instances={"usgov": {"tickets": 10, "accounts": 2, "schema": "renamed"}})
    shown = {}
    for key in ("global", "usgov"):
        session = two.zendesk_session(key)
        org_fields = get(session, f"{two.url}/api/v2/organization_fields.json").json()
        ticket_fields = get(two.zendesk_session(key), f"{two.url}/api/v2/ticket_fields.json").json()
        org_id = two.instance(key).state.world.orgs[0]["id"]
        org = get(two.zendesk_session(key), f"{two.url}/api/v2/organizations/{org_id}.json").json()
        shown[key] = (
            {f["key"] for f in org_fields["organization_fields"]},
            {f["title"] for f in ticket_fields["ticket_fields"]},
            set(org["organization"]["organization_fields"]),
        )
    assert "salesforce_id" in shown["global"][0] and "sfdc_account_id" not in shown["global"][0]
    assert "sfdc_account_id" in shown["usgov"][0] and "salesforce_id" not in shown["usgov"][0]
    assert "Preferred Region for Support" in shown["global"][1] and "Support Region" in shown["usgov"][1]
    assert "salesforce_id" in shown["global"][2] and "sfdc_account_id" in shown["usgov"][2]
    describe = salesforce_for(two).Account.describe()
    assert "CSM__c" in {f["name"] for f in describe["fields"]}  # Salesforce is the sandbox's own
    with pytest.raises(CommandError, match="schema="):
        build_config({"instance": ["usgov:schema=other"]})


def test_the_command_gives_an_instance_its_own_field_names(settings, monkeypatch, tmp_path):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("ZENDESK_INSTANCES", "global,usgov")
    config = build_config({"instance": ["usgov:tickets=5,schema=renamed"]})
    assert config.for_instance("usgov").schema == "renamed" and config.schema == "default"
    assert build_config({"schema": "renamed"}).for_instance("usgov").schema == "renamed"
