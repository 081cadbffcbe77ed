"""The Zendesk field mapping per instance, end to end: the sandbox serves two instances whose
custom fields have other keys and titles (global: the defaults; usgov: another company's,
``schema="renamed"``). The check names what usgov lacks, under its name; an admin maps usgov's
fields on the Connections page, which re-syncs usgov's streams only; then both instances'
organizations and tickets are read right, each through its own mapping."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organization
from integrations import connections, mapping
from integrations.models import FieldMapping, FieldMappingChange, RunStatus, SyncRun
from integrations.runner import run_stream
from integrations.streams import all_streams
from tickets.models import Ticket

from .conftest import REGION_FIELD
from .test_connections import RENAMED
from .test_instances_sync import expected_accounts, mirrored_accounts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

USGOV = {"usgov": {"tickets": 30, "accounts": 3, "name": "US Government", "schema": "renamed"}}
# usgov's names for the Zendesk fields, as the Connections page's form names them.
USGOV_NAMES = {f"{key}@usgov": name for key, name in RENAMED.items() if key.startswith("zendesk.")}


@pytest.fixture
def two(make_sandbox, point_at):
    handle = make_sandbox(instances=USGOV)
    point_at(handle)
    return handle


def by_name(checks):
    return {f"{c.source}: {c.name}": c for c in checks}


def field_problems(result) -> list[tuple[str, str]]:
    return [(c.source, c.name) for c in result.checks if c.name.startswith("Field ") and c.status != "ok"]


def regions(handle, key: str) -> dict[int, str]:
    state = handle.instance(key).state
    return {
        n: next((f["value"] or "" for f in state.ticket(n)["custom_fields"] if f["id"] == REGION_FIELD), "")
        for n in range(1, state.next_ticket_id)
    }


def test_each_instance_is_checked_mapped_and_synced_through_its_own_field_names(
    two, admin_client_, admin_user, capsys
):
    # The check: global's fields are there under the defaults; usgov's are not, and each line
    # names usgov and its closest existing field.
    result = connections.run()
    assert field_problems(result) == [
        ("Zendesk (US Government)", f"Field {key.split('.', 1)[1]}")
        for key in RENAMED
        if key.startswith("zendesk.")
    ]
    checks = by_name(result.checks)
    salesforce_id = checks["Zendesk (US Government): Field organization.salesforce_id"]
    assert salesforce_id.status == "error" and "sfdc_account_id" in salesforce_id.fix
    assert checks["Zendesk (Global): Field organization.salesforce_id"].status == "ok"
    usgov_reports = {r.key: r for r in result.fields if r.instance == "usgov"}
    for key, name in RENAMED.items():
        if key.startswith("zendesk."):
            assert usgov_reports[key].suggestions[0].name == name, key
    with pytest.raises(CommandError, match="not ready"):
        call_command("connections", "check")
    out = capsys.readouterr().out
    assert "[ ERROR ] Zendesk (US Government): Field organization.salesforce_id:" in out
    assert "Zendesk (Global): Field organization.salesforce_id: salesforce_id (Salesforce ID, text)" in out

    # The page shows each instance's mapping (usgov's follows global's until given its own), and
    # its check suggests each instance's own fields in that instance's rows.
    page = admin_client_.post("/connections/check/").content.decode()
    assert "Closest existing: <code>sfdc_account_id</code>" in row(
        page, "zendeskorganizationsalesforce_idusgov"
    )
    assert "Closest existing" not in row(page, "zendeskorganizationsalesforce_id")
    assert "Zendesk: Global" in page and "Zendesk: US Government" in page and ">Salesforce<" in page
    assert 'name="zendesk.organization.salesforce_id@usgov"' in page and 'follows">as Global<' in page

    # An admin saves usgov's names: usgov's streams that read them sync again, nothing else.
    form = {name: field.initial for name, field in mapping_form().fields.items()} | USGOV_NAMES
    saved = admin_client_.post("/connections/", form, follow=True)
    assert saved.redirect_chain[-1][1] == 302
    assert "zendesk.organizations@usgov, zendesk.tickets@usgov" in saved.content.decode()
    assert set(FieldMappingChange.objects.values_list("zd_instance", flat=True)) == {"usgov"}
    assert FieldMapping.objects.filter(zd_instance="usgov").count() == len(USGOV_NAMES)
    assert mapping.current("global")["zendesk.organization.salesforce_id"] == "salesforce_id"
    assert mapping.current("usgov")["zendesk.organization.salesforce_id"] == "sfdc_account_id"
    restarted = set(SyncRun.objects.filter(trigger="manual").values_list("stream", flat=True))
    assert restarted == {"zendesk.organizations@usgov", "zendesk.tickets@usgov"}
    assert 'follows">as Global<' not in admin_client_.get("/connections/").content.decode()
    assert field_problems(connections.run()) == []

    # Both instances synced: each organization's salesforce_id read (and linked to its account),
    # each ticket's preferred region read, through that instance's names.
    runs = {spec.stream: run_stream(spec.stream, full=True, may_wait=True) for spec in all_streams()}
    assert all(run.status == RunStatus.SUCCEEDED for run in runs.values()), {
        key: run.error for key, run in runs.items() if run.error
    }
    for key in ("global", "usgov"):
        want_tickets, want_orgs = expected_accounts(two, key)
        have_tickets, have_orgs = mirrored_accounts(key)
        assert have_orgs == want_orgs and have_tickets == want_tickets, key
        world = two.instance(key).state.world
        ids = {o["id"]: (o["organization_fields"]["salesforce_id"] or "").strip() for o in world.orgs}
        assert dict(Organization.objects.filter(zd_instance=key).values_list("zd_id", "salesforce_id")) == ids
        assert any(ids.values())
        have = dict(Ticket.objects.filter(zd_instance=key).values_list("zd_id", "preferred_region"))
        assert have == regions(two, key) and any(have.values()), key
        cmp = {o["id"]: o["organization_fields"]["cmp_id"] or "" for o in world.orgs}
        assert dict(Organization.objects.filter(zd_instance=key).values_list("zd_id", "cmp_id")) == cmp


def row(page: str, slug: str) -> str:
    start = page.index(f'<tr id="field-{slug}">')
    return page[start : page.index("</tr>", start)]


def mapping_form():
    from integrations.connection_views import MappingForm, _names

    return MappingForm(names=_names())
