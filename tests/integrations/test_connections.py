"""Connecting another company's org and instance: the sandbox renames its custom fields (as
another company's Salesforce and Zendesk would name them); the connection check names what is
missing with the right suggestions; after an admin maps the fields on the Connections page the
check's field checks pass and a full sync fills every mapped column."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account, Organization
from integrations import connections, mapping
from integrations.models import FieldMappingChange, RunStatus, SyncRun
from tickets.models import Case, Ticket

from .conftest import assert_mirrors, sync_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# What the renamed org and instance call the portal's fields (sandbox/schema.py).
RENAMED = {
    "salesforce.Account.csm": "Customer_Success_Manager__c",
    "salesforce.Account.support_level": "Support_Tier__c",
    "salesforce.Account.region": "Sales_Region__c",
    "salesforce.Account.seats": "Licensed_Seats__c",
    "salesforce.Account.arr": "Annual_Recurring_Revenue__c",
    "salesforce.Account.renewal_date": "Contract_Renewal_Date__c",
    "salesforce.Account.health": "Customer_Health__c",
    "salesforce.Account.restricted": "Is_Restricted__c",
    "salesforce.Account.sold_to_email": "Sold_To_Contact_Email__c",
    "salesforce.Case.zendesk_ticket_id": "ZD_Ticket_Number__c",
    "zendesk.organization.salesforce_id": "sfdc_account_id",
    "zendesk.organization.am_project_id": "collaboration_project",
    "zendesk.organization.cmp_id": "contact_mgmt_project",
    "zendesk.organization.cmp_developers": "contact_mgmt_devs",
    "zendesk.organization.support_level": "support_plan",
    "zendesk.organization.org_region": "account_region",
    "zendesk.organization.technical_account_manager": "tam",
    "zendesk.ticket.preferred_region": "Support Region",
}


@pytest.fixture
def renamed(make_sandbox, point_at):
    handle = make_sandbox(schema="renamed")
    point_at(handle)
    return handle


def by_name(checks):
    return {f"{c.source}: {c.name}": c for c in checks}


def test_the_check_names_every_unmapped_field_with_its_closest_match_and_fails(renamed, capsys):
    result = connections.run()
    checks = by_name(result.checks)
    assert checks["Zendesk: Credentials"].status == "ok"
    assert checks["Zendesk: Incremental exports"].status == "ok"
    assert checks["Salesforce: Login"].status == "ok"
    assert checks["Salesforce: API version"].status == "ok"
    assert "daily API requests remaining" in checks["Salesforce: API requests"].detail
    assert "tickets" in checks["Zendesk: Rate limit"].detail  # the backfill estimate
    reports = {r.key: r for r in result.fields}
    for key, name in RENAMED.items():
        report = reports[key]
        assert report.status in ("error", "warning"), key
        assert report.suggestions and report.suggestions[0].name == name, (key, report.suggestions)
    # A Salesforce field the org lacks breaks the query: an error, with the fix in one sentence.
    csm = checks["Salesforce: Field Account.csm"]
    assert csm.status == "error" and "Customer_Success_Manager__c" in csm.fix

    with pytest.raises(CommandError, match="not ready"):
        call_command("connections", "check")
    out = capsys.readouterr().out
    assert "Customer_Success_Manager__c" in out and "ERROR" in out


def test_after_mapping_on_the_page_the_fields_check_and_a_full_sync_fills_every_column(
    renamed, admin_client_, admin_user
):
    # As an admin would: check, then save the suggested names through the Connections page.
    page = admin_client_.post("/connections/check/")
    assert page.status_code == 200
    assert b"Customer_Success_Manager__c" in page.content  # shown as the closest existing field
    form = {key: mapping.current()[key] for key in RENAMED} | RENAMED
    saved = admin_client_.post("/connections/", form)
    assert saved.status_code == 302
    assert FieldMappingChange.objects.filter(changed_by=admin_user).count() == len(RENAMED)
    # Every stream that reads a changed field synced again from the start (tasks run eagerly here).
    for stream in ("salesforce.accounts", "salesforce.cases", "zendesk.organizations", "zendesk.tickets"):
        run = SyncRun.objects.filter(stream=stream).latest("started_at")
        assert (run.trigger, run.cursor_start) in {("manual", ""), ("manual", "0")}, stream
    assert not SyncRun.objects.filter(stream="zendesk.users").exists()  # reads no mapped field

    # The webhook, installed the way production installs it; then every check passes.
    from tests.webhook_install import run as webhook_command

    webhook_command("install")
    result = connections.run()
    assert result.errors == 0 and result.warnings == 0, [
        (c.name, c.detail) for c in result.checks if c.status != "ok"
    ]
    assert {c.name for c in result.checks} >= {"Webhook", "Webhook secret", "Rate limit", "API requests"}
    call_command("connections", "check")  # exits 0: no CommandError

    runs = sync_all(full=True)
    assert all(run.status == RunStatus.SUCCEEDED for run in runs.values()), {
        n: r.error for n, r in runs.items() if r.error
    }
    assert_mirrors(renamed)  # every mapped column holds what the source has
    assert Account.objects.exclude(csm_sf_user_id="").exists()
    assert Account.objects.exclude(arr=None).exists() and Account.objects.exclude(renewal_date=None).exists()
    assert Organization.objects.exclude(salesforce_id="").exists()
    assert Case.objects.exclude(zd_ticket_id=None).exists()
    assert Ticket.objects.exclude(preferred_region="").exists()


def test_an_unmapped_optional_field_is_not_asked_for_and_reads_empty(synced, admin_client_):
    form = dict(mapping.current()) | {"salesforce.Account.arr": "", "salesforce.Account.health": ""}
    assert admin_client_.post("/connections/", form).status_code == 302
    runs = sync_all()
    assert runs["salesforce.accounts"].status == RunStatus.SUCCEEDED
    assert Account.objects.exists() and not Account.objects.exclude(arr=None).exists()
    result = connections.run()
    arr = {r.key: r for r in result.fields}["salesforce.Account.arr"]
    assert arr.status == "ok" and "Not mapped" in arr.message
    # The account page leaves out what the unmapped fields would have shown, instead of blanks.
    account = Account.objects.order_by("pk").first()
    page = admin_client_.get(f"/accounts/{account.pk}/").content.decode()
    assert "<dt>ARR</dt>" not in page and "<dt>Health</dt>" not in page
    assert "<dt>Seats</dt>" in page  # still mapped, still shown


def test_a_required_field_cannot_be_left_unmapped(admin_client_):
    form = dict(mapping.current()) | {"salesforce.Account.csm": ""}
    page = admin_client_.post("/connections/", form)
    assert page.status_code == 200
    assert b"This field is required" in page.content
    assert not FieldMappingChange.objects.exists()


def test_a_label_instead_of_an_api_name_is_a_field_error(admin_client_):
    form = dict(mapping.current()) | {"salesforce.Account.arr": "Annual Recurring Revenue"}
    page = admin_client_.post("/connections/", form)
    assert page.status_code == 200
    assert b"API name" in page.content
    assert not FieldMappingChange.objects.exists()


def test_a_webhook_whose_secret_differs_is_an_error_with_the_fix(synced, settings):
    from tests.webhook_install import run as webhook_command

    webhook_command("install")
    assert by_name(connections.run().checks)["Zendesk: Webhook secret"].status == "ok"
    settings.ZENDESK_WEBHOOK_SECRET = "not-the-signing-secret"
    check = by_name(connections.run().checks)["Zendesk: Webhook secret"]
    assert check.status == "error" and "ZENDESK_WEBHOOK_SECRET" in check.fix
    webhook_command("remove")
    check = by_name(connections.run().checks)["Zendesk: Webhook"]
    assert check.status == "error" and "zendesk_webhook install" in check.fix


@pytest.mark.django_db
def test_unmapped_fields_leave_their_pages_and_checks_honest(admin_user, client, settings):
    """An unmapped field is not shown as a blank and its automatic check says it cannot check."""
    from accounts.checklist_models import Check
    from accounts.checks import AccountFacts, evaluate
    from integrations.services import field_mapping_set
    from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory

    settings.CELERY_TASK_ALWAYS_EAGER = False  # the re-sync it requests has no sandbox to go to
    account = AccountFactory(sold_to_email="", seats=80)  # as the re-sync leaves an unmapped field
    org = OrganizationFactory(account=account)
    ticket = TicketFactory(requester=SupportUserFactory(organization=org), preferred_region="asia_pacific")
    field_mapping_set(
        changes={
            "salesforce.Account.sold_to_email": "",
            "zendesk.ticket.preferred_region": "",
            "salesforce.Account.seats": "",
        },
        user=admin_user,
    )
    result = evaluate(Check.SOLD_TO_CONTACT, AccountFacts(account))
    assert result.status == "pending" and "not mapped" in result.summary
    client.force_login(admin_user)
    assert "<dt>Preferred region</dt>" not in client.get(f"/tickets/{ticket.zd_id}/").content.decode()
    contacts = client.get(f"/contacts/account/{account.pk}/").content.decode()
    assert "the field is not mapped" in contacts
    assert "eligible</span> 80 seats" not in contacts  # the CMP card says nothing about seats
