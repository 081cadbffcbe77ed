"""The Zendesk-instances migration on a populated database: the rows already mirrored become
the instance ``global`` with nothing lost, and afterwards another instance can hold the same
numbers. (Its speed at a million tickets: ``python -m bench migration``.)"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from bench.bench_migration import before

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_existing_rows_become_the_global_instance_and_another_instance_may_reuse_their_numbers():
    old = migrate(list(before().items()))
    Organization = old.get_model("accounts", "Organization")
    SupportUser = old.get_model("contacts", "SupportUser")
    Ticket = old.get_model("tickets", "Ticket")
    Comment = old.get_model("tickets", "Comment")
    Rating = old.get_model("feedback", "Rating")
    org = Organization.objects.create(zd_id=360001, name="Cobalt Networks Inc.")
    user = SupportUser.objects.create(zd_id=370001, email="ana@cobalt.example", zd_organization_id=360001)
    for number in (1854, 1855):
        Ticket.objects.create(
            zd_id=number,
            zd_organization_id=org.zd_id,
            organization=org,
            requester=user,
            subject=f"Pipeline stuck {number}",
            zd_created_at="2026-11-01T10:00:00Z",
            zd_updated_at="2026-11-01T10:00:00Z",
        )
    Comment.objects.create(
        zd_id=380001, zd_ticket_id=1854, body="Logs attached", created_at="2026-11-01T10:05:00Z"
    )
    Rating.objects.create(
        zd_id=390001,
        zd_ticket_id=1854,
        score="bad",
        zd_created_at="2026-11-02T10:00:00Z",
        zd_updated_at="2026-11-02T10:00:00Z",
    )

    new = migrate(latest())
    NewTicket = new.get_model("tickets", "Ticket")
    for model in (
        "accounts.Organization",
        "contacts.SupportUser",
        "tickets.Ticket",
        "tickets.Comment",
        "feedback.Rating",
    ):
        rows = new.get_model(model).objects.values_list("zd_instance", flat=True)
        assert set(rows) == {"global"}, model
    assert sorted(NewTicket.objects.values_list("zd_id", "subject")) == [
        (1854, "Pipeline stuck 1854"),
        (1855, "Pipeline stuck 1855"),
    ]
    assert NewTicket.objects.get(zd_id=1854).organization.name == "Cobalt Networks Inc."

    # Another instance holds the same ticket number; the same instance may not hold it twice.
    NewTicket.objects.create(
        zd_id=1854,
        zd_instance="usgov",
        subject="Other",
        zd_created_at="2026-11-01T10:00:00Z",
        zd_updated_at="2026-11-01T10:00:00Z",
    )
    assert NewTicket.objects.filter(zd_id=1854).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        NewTicket.objects.create(
            zd_id=1854,
            zd_instance="usgov",
            subject="Again",
            zd_created_at="2026-11-01T10:00:00Z",
            zd_updated_at="2026-11-01T10:00:00Z",
        )
    # A writer that does not name the instance (an older process during a deploy) writes global.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tickets_schedule (zd_id, name, time_zone, tz_name, intervals, holidays, synced_at) "
            "VALUES (1, 'EMEA Schedule', '', '', '[]', '[]', now()) RETURNING zd_instance"
        )
        assert cursor.fetchone() == ("global",)
