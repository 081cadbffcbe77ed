"""Link resolution: records link to their parents whichever arrives first, relink when the
source changes, and stay (unlinked) when their parent is missing."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Account, AccountEvent, Organization, SalesforceUser
from contacts.models import SupportUser
from integrations import upsert as upsert_module
from integrations.records import (
    AccountRecord,
    CaseRecord,
    CommentRecord,
    ContactRecord,
    OrganizationRecord,
    Page,
    SalesforceUserRecord,
    SupportUserRecord,
    TicketRecord,
)
from integrations.streams import get_stream
from tests.factories import UserFactory
from tickets.models import Case, Comment, Ticket

pytestmark = pytest.mark.django_db  # runs on SQLite too (the demo's database)


@pytest.fixture(autouse=True, params=[pytest.param("postgresql", marks=pytest.mark.postgres), "generic"])
def upsert_flavour(request, monkeypatch):
    """Each test runs with PostgreSQL's upsert and with the generic one (SQLite's, in the demo)."""
    if request.param == "generic":
        monkeypatch.setattr(upsert_module, "_use_postgresql", lambda: False)
    return request.param


T0 = datetime(2026, 1, 1, tzinfo=UTC)
ACME = "0018d0000001XyZAAA"  # 15-character IDs are case-sensitive


def write(stream: str, *records):
    return get_stream(stream).write(Page(records=list(records), cursor="c", has_more=False))


def org(zd_id=10, salesforce_id=ACME, version=1, **extra):
    values = dict(
        zd_id=zd_id,
        name="Acme",
        domain_names=["acme.io"],
        notes="",
        details="",
        tags=[],
        salesforce_id=salesforce_id,
        am_project_id="",
        cmp_id="",
        cmp_developers="",
        support_level="priority",
        org_region="emea",
        technical_account_manager="",
        zd_created_at=T0,
        zd_updated_at=T0 + timedelta(seconds=version),
    )
    values.update(extra)
    return OrganizationRecord(**values)


def account(sf_id=ACME, csm="", version=1, name="Acme Ltd"):
    return AccountRecord(
        sf_id=sf_id,
        name=name,
        account_type="Customer",
        support_level="priority",
        region="EMEA",
        seats=100,
        arr=None,
        renewal_date=None,
        health="green",
        restricted=False,
        sold_to_email="",
        csm_sf_user_id=csm,
        sf_created_at=T0,
        sf_modstamp=T0 + timedelta(seconds=version),
    )


def ticket(zd_id=1, org_id=10, requester=100, version=1):
    return TicketRecord(
        zd_id=zd_id,
        zd_organization_id=org_id,
        zd_requester_id=requester,
        subject="Help",
        description="",
        status="open",
        priority="normal",
        ticket_type="",
        preferred_region="",
        tags=[],
        via_channel="web",
        zd_created_at=T0,
        zd_updated_at=T0 + timedelta(seconds=version),
        generated_timestamp=version,
        sla_policy="",
        sla_state="",
        first_reply_due_at=None,
    )


def user(zd_id=100, email="Pat@Acme.io", org_id=10, role="end-user", version=1):
    return SupportUserRecord(
        zd_id=zd_id,
        zd_organization_id=org_id,
        name="Pat",
        email=email,
        email_key=email.lower(),
        role=role,
        active=True,
        suspended=False,
        zd_created_at=T0,
        zd_updated_at=T0 + timedelta(seconds=version),
    )


def contact(sf_id="0038d0000000001AAA", email="pat@ACME.io", account_id=ACME):
    return ContactRecord(
        sf_id=sf_id,
        sf_account_id=account_id,
        first_name="Pat",
        last_name="Lee",
        email=email,
        email_key=email.lower(),
        title="",
        phone="",
        sf_created_at=T0,
        sf_modstamp=T0,
    )


def test_it_links_a_ticket_that_arrived_before_its_organization_and_account():
    write("zendesk.tickets", ticket())
    saved = Ticket.objects.get()
    assert saved.organization is None and saved.account is None  # kept, unlinked

    write("zendesk.organizations", org())
    saved.refresh_from_db()
    assert saved.organization.zd_id == 10 and saved.account is None

    write("salesforce.accounts", account())
    saved.refresh_from_db()
    assert saved.account.sf_id == ACME
    assert Organization.objects.get().account.sf_id == ACME


def test_it_matches_a_15_character_salesforce_id_and_ignores_stray_spaces():
    write("salesforce.accounts", account())
    write("zendesk.organizations", org(salesforce_id=ACME[:15]))
    assert Organization.objects.get().account.sf_id == ACME
    write("zendesk.organizations", org(salesforce_id=f" {ACME[:15]} ", version=2))
    assert Organization.objects.get().account.sf_id == ACME
    # 15-character IDs are case-sensitive: another case is another record.
    write("zendesk.organizations", org(salesforce_id=ACME[:15].lower(), version=3))
    assert Organization.objects.get().account is None


def test_it_moves_tickets_to_the_account_an_organization_now_names():
    other = "0018d0000000002AAA"
    write("salesforce.accounts", account(), account(sf_id=other, name="Other"))
    write("zendesk.organizations", org())
    write("zendesk.tickets", ticket(1), ticket(2))
    assert set(Ticket.objects.values_list("account__sf_id", flat=True)) == {ACME}

    write("zendesk.organizations", org(salesforce_id=other, version=2))
    assert set(Ticket.objects.values_list("account__sf_id", flat=True)) == {other}

    write("zendesk.organizations", org(salesforce_id="n/a", version=3))
    assert set(Ticket.objects.values_list("account", flat=True)) == {None}


def test_it_links_requesters_and_contacts_by_email_case_insensitively_preferring_the_same_account():
    write("salesforce.accounts", account(), account(sf_id="0018d0000000002AAA", name="Other"))
    write("zendesk.organizations", org())
    write("zendesk.tickets", ticket(requester=100))
    write(
        "salesforce.contacts",
        contact(sf_id="0038d0000000009AAA", account_id="0018d0000000002AAA"),  # same email, other account
        contact(),
    )
    write("zendesk.users", user())
    requester = SupportUser.objects.get()
    assert requester.contact.sf_id == "0038d0000000001AAA"
    assert Ticket.objects.get().requester == requester


def test_it_links_a_user_to_a_contact_that_arrives_later():
    write("zendesk.users", user(email="sam@acme.io"))
    assert SupportUser.objects.get().contact is None
    write("salesforce.contacts", contact(email="SAM@acme.io"))
    assert SupportUser.objects.get().contact.email == "SAM@acme.io"


def test_it_maps_the_csm_to_a_portal_user_by_email_and_records_a_change_in_the_audit_trail():
    casey = UserFactory(email="casey@example.com", name="Casey")
    robin = UserFactory(email="robin@example.com", name="Robin")
    sf_users = [
        SalesforceUserRecord(
            sf_id="0058d0000000001AAA",
            name="Casey",
            email="CASEY@example.com",
            is_active=True,
            title="CSM",
            sf_modstamp=T0,
        ),
        SalesforceUserRecord(
            sf_id="0058d0000000002AAA",
            name="Robin",
            email="robin@example.com",
            is_active=True,
            title="CSM",
            sf_modstamp=T0,
        ),
    ]
    write("salesforce.users", *sf_users)
    assert SalesforceUser.objects.get(sf_id="0058d0000000001AAA").portal_user == casey

    write("salesforce.accounts", account(csm="0058d0000000001AAA"))
    acme = Account.objects.get()
    assert acme.csm == casey
    assert not AccountEvent.objects.exists()  # a new account: nothing changed on it

    write("salesforce.accounts", account(csm="0058d0000000002AAA", version=2))
    acme.refresh_from_db()
    assert acme.csm == robin
    event = AccountEvent.objects.get(account=acme)
    assert event.verb == "sync.csm_changed" and event.actor is None
    assert "Casey" in event.summary and "Robin" in event.summary


def test_it_links_a_csm_invited_after_the_salesforce_user_was_synced():
    write(
        "salesforce.users",
        SalesforceUserRecord(
            sf_id="0058d0000000003AAA",
            name="Jo Late",
            email="jo@example.com",
            is_active=True,
            title="",
            sf_modstamp=T0,
        ),
    )
    write("salesforce.accounts", account(csm="0058d0000000003AAA"))
    assert Account.objects.get().csm is None  # no portal login yet: a finding
    jo = UserFactory(email="Jo@Example.com")
    get_stream("salesforce.users").after_run()
    assert Account.objects.get().csm == jo


def sf_csm(sf_id="0058d0000000004AAA", name="Jordan Reyes", email="jordan@example.com"):
    return SalesforceUserRecord(
        sf_id=sf_id, name=name, email=email, is_active=True, title="CSM", sf_modstamp=T0
    )


def test_renaming_yourself_to_a_salesforce_csms_name_links_nothing(client):
    """Tried as a logged-in user would: the CSM in Salesforce has no portal login yet; a colleague
    takes their name on /profile/ and waits for the users sync."""
    write("salesforce.users", sf_csm())
    write("salesforce.accounts", account(csm="0058d0000000004AAA"))
    colleague = UserFactory(email="colleague@example.com", name="Someone Else")
    client.force_login(colleague)
    client.post("/profile/", {"name": "Jordan Reyes", "time_zone": "UTC"})
    colleague.refresh_from_db()
    assert colleague.name == "Jordan Reyes"  # people do change their own name

    get_stream("salesforce.users").after_run()
    write("salesforce.users", dataclasses.replace(sf_csm(), sf_modstamp=T0 + timedelta(seconds=1)))
    assert SalesforceUser.objects.get().portal_user is None
    assert Account.objects.get().csm is None


def test_a_name_shared_with_other_users_does_not_unassign_the_real_csm():
    jordan = UserFactory(email="Jordan@Example.com", name="J. Reyes")
    write("salesforce.users", sf_csm())
    write("salesforce.accounts", account(csm="0058d0000000004AAA"))
    assert Account.objects.get().csm == jordan
    UserFactory(name="Jordan Reyes")
    UserFactory(name="jordan reyes")
    get_stream("salesforce.users").after_run()
    write("salesforce.users", dataclasses.replace(sf_csm(), sf_modstamp=T0 + timedelta(seconds=1)))
    assert Account.objects.get().csm == jordan
    assert not AccountEvent.objects.exists()  # nothing changed hands


def test_an_address_nobody_proved_links_nothing_until_it_is_proven():
    """A portal user with the address whose owner has not confirmed it (a pending invitation,
    an address set before confirmation was required) is not the CSM; once proven, at once."""
    from users.services import user_email_verify

    write("salesforce.users", sf_csm())
    write("salesforce.accounts", account(csm="0058d0000000004AAA"))
    pending = UserFactory(email="jordan@example.com", email_verified=False)
    get_stream("salesforce.users").after_run()
    assert Account.objects.get().csm is None

    user_email_verify(user=pending)  # no sync needed
    assert SalesforceUser.objects.get().portal_user == pending
    acme = Account.objects.get()
    assert acme.csm == pending
    assert AccountEvent.objects.get(account=acme).verb == "sync.csm_changed"


def test_it_links_comments_and_cases_that_arrive_before_their_ticket_and_sets_the_first_reply():
    write("zendesk.users", user(zd_id=100), user(zd_id=200, email="agent@support.example", role="agent"))
    comments = [
        CommentRecord(
            zd_id=1, zd_ticket_id=5, zd_author_id=100, public=True, body="Help", attachments=[], created_at=T0
        ),
        CommentRecord(
            zd_id=2,
            zd_ticket_id=5,
            zd_author_id=200,
            public=False,
            body="note",
            attachments=[],
            created_at=T0 + timedelta(minutes=5),
        ),
        CommentRecord(
            zd_id=3,
            zd_ticket_id=5,
            zd_author_id=200,
            public=True,
            body="On it",
            attachments=[],
            created_at=T0 + timedelta(minutes=9),
        ),
    ]
    write("zendesk.comments", *comments)
    write(
        "salesforce.cases",
        CaseRecord(
            sf_id="5008d0000000005AAA",
            case_number="5",
            zd_ticket_id=5,
            sf_account_id="",
            sf_contact_id="",
            subject="",
            status="New",
            priority="",
            origin="Zendesk",
            sf_created_at=T0,
            sf_modstamp=T0,
        ),
    )
    assert set(Comment.objects.values_list("ticket", flat=True)) == {None}

    write("zendesk.tickets", ticket(zd_id=5, requester=100))
    saved = Ticket.objects.get(zd_id=5)
    assert set(Comment.objects.values_list("ticket", flat=True)) == {saved.pk}
    assert Case.objects.get().ticket == saved
    assert saved.first_reply_at == T0 + timedelta(minutes=9)  # the first public answer from support


def test_what_salesforce_changed_on_a_known_account_goes_to_its_audit_trail():
    write("salesforce.accounts", account())
    assert not AccountEvent.objects.exists()  # first seen: nothing changed on it
    changed = dataclasses.replace(account(version=2), support_level="standard", seats=250, restricted=True)
    write("salesforce.accounts", changed)
    event = AccountEvent.objects.get(verb="sync.account_changed")
    assert event.actor is None
    assert (
        event.summary == "Salesforce: support level Priority → Standard; seats 100 → 250; restricted no → yes"
    )
    assert event.detail["seats"] == ["100", "250"]
    write("salesforce.accounts", changed)  # the same again (the overlap window): no new line
    assert AccountEvent.objects.count() == 1
