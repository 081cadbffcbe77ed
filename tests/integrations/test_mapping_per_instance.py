"""The Zendesk field mapping per instance, without a sandbox: a second instance follows the
global one's names until an admin gives it its own, a change re-syncs only the streams whose
names changed, the Connections page groups the instances (and looks as before with one), and
the migration makes the existing rows the global instance's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from integrations import mapping
from integrations.models import FieldMapping, FieldMappingChange, SyncState
from integrations.services import field_mapping_set
from tests.instances import configure_two_instances

REGION = "zendesk.ticket.preferred_region"
SF_ID = "zendesk.organization.salesforce_id"


@pytest.fixture
def two(settings):
    configure_two_instances(settings)
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the re-syncs it requests have no Zendesk to go to


@pytest.mark.django_db
def test_a_second_instance_follows_the_global_names_until_given_its_own(two, admin_user):
    assert mapping.current("usgov") == mapping.current("global")
    # A global name: both instances read it, so both instances' ticket streams start over.
    assert field_mapping_set(changes={REGION: "Region"}, user=admin_user) == [
        "zendesk.tickets",
        "zendesk.tickets@usgov",
    ]
    assert mapping.current("usgov")[REGION] == "Region"
    assert SyncState.objects.get(stream="zendesk.tickets@usgov").requested_at is not None
    # usgov's own name: only usgov's stream; audited as usgov's.
    assert field_mapping_set(changes={f"{REGION}@usgov": "Support Region"}, user=admin_user) == [
        "zendesk.tickets@usgov"
    ]
    change = FieldMappingChange.objects.first()
    assert (change.zd_instance, change.old_name, change.new_name, change.changed_by) == (
        "usgov",
        "Region",
        "Support Region",
        admin_user,
    )
    # Now a global change leaves usgov (and its stream) alone.
    assert field_mapping_set(changes={REGION: "Preferred Region"}, user=admin_user) == ["zendesk.tickets"]
    assert (mapping.current("global")[REGION], mapping.current("usgov")[REGION]) == (
        "Preferred Region",
        "Support Region",
    )
    # Given the global name again, usgov follows the global instance again.
    field_mapping_set(changes={f"{REGION}@usgov": "Preferred Region"}, user=admin_user)
    assert not FieldMapping.objects.filter(zd_instance="usgov").exists()
    assert field_mapping_set(changes={REGION: "Region"}, user=admin_user) == [
        "zendesk.tickets",
        "zendesk.tickets@usgov",
    ]
    # Salesforce is one mapping; it has no instance.
    assert field_mapping_set(changes={"salesforce.Account.arr": "ARR2__c"}, user=admin_user) == [
        "salesforce.accounts"
    ]
    assert FieldMapping.objects.get(key="salesforce.Account.arr").zd_instance == ""
    with pytest.raises(KeyError):
        field_mapping_set(changes={"salesforce.Account.arr@usgov": "X__c"}, user=admin_user)
    with pytest.raises(ValueError, match="emea"):
        field_mapping_set(changes={f"{REGION}@emea": "X"}, user=admin_user)


@pytest.mark.django_db
def test_a_field_shows_on_pages_while_any_instance_reads_it(two, admin_user):
    am = "zendesk.organization.am_project_id"
    field_mapping_set(changes={am: ""}, user=admin_user)
    assert mapping.current("usgov")[am] == ""  # usgov followed the global instance
    assert not mapping.is_mapped(am) and not mapping.mapped_flags()["organization"]["am_project_id"]
    field_mapping_set(changes={f"{am}@usgov": "collaboration_project"}, user=admin_user)
    assert mapping.is_mapped(am) and mapping.mapped_flags()["organization"]["am_project_id"]
    assert (
        mapping.names_for(mapping.ZENDESK, "organization", "usgov")["am_project_id"]
        == "collaboration_project"
    )
    assert "am_project_id" not in mapping.names_for(mapping.ZENDESK, "organization", "global")


@pytest.mark.django_db
def test_the_page_groups_the_instances_and_audits_each_ones_change(two, admin_client_):
    page = admin_client_.get("/connections/").content.decode()
    assert ">Salesforce<" in page and "Zendesk: Global" in page and "Zendesk: US Government" in page
    assert f'name="{SF_ID}@usgov"' in page and 'follows">as Global<' in page
    form = {name: field.initial for name, field in _form().fields.items()}
    # A required field of usgov cannot be left unmapped either.
    refused = admin_client_.post("/connections/", form | {f"{SF_ID}@usgov": ""})
    assert refused.status_code == 200 and b"This field is required" in refused.content
    assert not FieldMappingChange.objects.exists()
    saved = admin_client_.post("/connections/", form | {f"{SF_ID}@usgov": "sfdc_account_id"}, follow=True)
    text = saved.content.decode()
    assert "Syncing again from the start: zendesk.organizations@usgov." in text
    assert f"{SF_ID}</span> (US Government)" in text
    assert mapping.current("global")[SF_ID] == "salesforce_id"


@pytest.mark.django_db
def test_with_one_instance_the_page_is_as_before(admin_client_):
    page = admin_client_.get("/connections/").content.decode()
    assert "Zendesk: Global" not in page and "mapping-group-head" not in page and "@" + "global" not in page
    assert 'follows">' not in page and f'name="{SF_ID}"' in page


def _form():
    from integrations.connection_views import MappingForm, _names

    return MappingForm(names=_names())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_the_existing_rows_the_global_instances():
    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("integrations", target)])
        return executor.loader.project_state([("integrations", target)]).apps

    old = migrate("0006_stream_per_instance")
    Mapping, Change = (
        old.get_model("integrations", "FieldMapping"),
        old.get_model("integrations", "FieldMappingChange"),
    )
    Mapping.objects.create(key=SF_ID, source_name="sfdc_account_id")
    Mapping.objects.create(key="salesforce.Account.arr", source_name="ARR2__c")
    Change.objects.create(key=SF_ID, old_name="salesforce_id", new_name="sfdc_account_id")
    Change.objects.create(key="salesforce.Account.arr", old_name="ARR__c", new_name="ARR2__c")

    new = migrate("0007_field_mapping_per_instance")
    for name in ("FieldMapping", "FieldMappingChange"):
        rows = new.get_model("integrations", name).objects.values_list("key", "zd_instance")
        assert sorted(rows) == [("salesforce.Account.arr", ""), (SF_ID, "global")], name
    assert (
        new.get_model("integrations", "FieldMapping").objects.get(key=SF_ID).source_name == "sfdc_account_id"
    )
    new.get_model("integrations", "FieldMapping").objects.create(
        key=SF_ID, zd_instance="usgov", source_name="x"
    )
    # Back: one mapping again (the global instance's), then forward as before.
    back = migrate("0006_stream_per_instance")
    assert sorted(
        back.get_model("integrations", "FieldMapping").objects.values_list("key", "source_name")
    ) == [
        ("salesforce.Account.arr", "ARR2__c"),
        (SF_ID, "sfdc_account_id"),
    ]
    migrate("0007_field_mapping_per_instance")
    mapping.forget()
    assert mapping.current()[SF_ID] == "sfdc_account_id"
