"""End to end with the real sync against the sandbox (real zenpy and simple-salesforce): every
synced ticket gets its review and SLA through the sync's page_synced signal, the pages render
the sandbox's tickets, and no secret the sandbox's customers pasted is ever shown."""

import pytest

from integrations.runner import run_stream
from integrations.streams import ORDER
from tickets.models import Ticket, TicketGap
from tickets.review import Check, find_secrets

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def synced(sandbox, settings):
    for name, value in sandbox.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""
    for spec in ORDER:
        run_stream(spec.name, may_wait=True)
    return sandbox


def test_every_synced_ticket_is_reviewed_with_its_sla(synced):
    tickets = Ticket.objects.all()
    assert tickets.count() > 50
    assert not tickets.filter(quality_checked_at__isnull=True).exists()
    assert TicketGap.objects.filter(code=Check.SENSITIVE).exists()  # the sandbox's pasted tokens
    # Zendesk's own due time when it has one; the plan's policy otherwise.
    with_zendesk_due = tickets.exclude(first_reply_due_at=None)
    assert with_zendesk_due.exists()
    for ticket in with_zendesk_due[:50]:
        assert ticket.sla_due_at == ticket.first_reply_due_at
    from tickets.sla import ticket_policy

    ours = (
        tickets.filter(first_reply_due_at=None).exclude(priority="").select_related("account", "organization")
    )
    checked = 0
    for ticket in ours[:200]:
        policy = ticket_policy(ticket)
        assert ticket.sla_due_at == policy.due_at(ticket.zd_created_at)
        checked += ticket.sla_due_at is not None
    assert checked, "some tickets get the plan's policy"


def test_the_pages_never_show_a_secret_the_customer_pasted(synced, client, django_user_model):
    from users.roles import Role

    user = django_user_model.objects.create_user(email="viewer@example.com", password="x" * 12)
    user.groups.create(name=Role.SUPPORT_MANAGER)
    client.force_login(user)
    leaky = Ticket.objects.filter(gaps__code=Check.SENSITIVE).distinct()[:10]
    assert leaky
    for ticket in leaky:
        secrets = [ticket.description[h.start : h.end] for h in find_secrets(ticket.description)]
        body = client.get(f"/tickets/{ticket.zd_id}/").content.decode()
        assert "Sensitive information shared" in body
        for secret in secrets:
            assert secret not in body
    dashboard = client.get("/tickets/?finding=sensitive")
    assert dashboard.status_code == 200 and "Secret shared" in dashboard.content.decode()
