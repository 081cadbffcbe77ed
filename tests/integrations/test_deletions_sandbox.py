"""Records deleted at the source, end to end: deleted through the sandbox's real APIs over
HTTPS, read by the real clients (queryAll, the incremental exports), and gone from the
portal's pages after the next sync, with their history kept; a deleted person's name and
email are nowhere in the database afterwards."""

import pytest

from accounts.checklist_models import StepKind
from accounts.models import Account, AccountEvent, Organization, SalesforceUser
from accounts.selectors import account_page
from accounts.services.emails import checklist_email_send
from contacts.models import Contact, SupportUser
from contacts.selectors import account_people
from feedback.models import Feedback
from feedback.services import feedback_forward
from integrations.models import RunStatus
from integrations.runner import run_stream
from notifications.models import Notification, OutboxMessage
from tests.factories.accounts import start_checklist
from tickets.models import Case, Comment, Ticket

from .conftest import sync_all
from .deletions_support import assert_nowhere, sf_call, zd_delete

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _contacts_page_emails(client, account: Account) -> str:
    response = client.get(f"/contacts/account/{account.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_mirrors_records_deleted_in_each_source_and_keeps_their_history(synced, csm, csm_client):
    sync_all()
    accounts = list(Account.objects.filter(organizations__isnull=False).distinct().order_by("pk"))
    gone, other = accounts[0], accounts[1]
    org = Organization.objects.filter(account=other).first()
    in_zendesk = set(SupportUser.objects.exclude(email_key="").values_list("email_key", flat=True))
    contact = next(
        c
        for c in Contact.objects.filter(account=other).exclude(email="").order_by("pk")
        if c.email_key not in in_zendesk and c.email_key != other.sold_to_email.lower()
    )
    user = (
        SupportUser.objects.filter(
            organization__account=other, role="end-user", active=True, tickets__isnull=False
        )
        .exclude(email_key=contact.email_key)
        .first()
    )
    case = Case.objects.filter(ticket__isnull=False).first()
    tickets_of_org = set(Ticket.objects.filter(organization=org).values_list("pk", flat=True))
    tickets_of_user = set(user.tickets.values_list("pk", flat=True))
    AccountEvent.objects.create(account=gone, verb="note", summary="Kick-off call held")
    assert gone.name in csm_client.get("/accounts/", {"csm": "any"}).content.decode()
    contact_email = contact.email
    assert contact_email in _contacts_page_emails(csm_client, other)
    assert (
        f"Salesforce case {case.case_number}"
        in csm_client.get(f"/tickets/{case.ticket.zd_id}/").content.decode()
    )

    state = synced.state
    for sobject, record in (("Account", gone.sf_id), ("Contact", contact.sf_id), ("Case", case.sf_id)):
        assert sf_call(synced, "DELETE", f"sobjects/{sobject}/{record}").status_code == 204
    # Salesforce users are deactivated, never deleted.
    sf_user = state.world.sf_users[1]
    refused = sf_call(synced, "DELETE", f"sobjects/User/{sf_user['Id']}")
    assert refused.status_code == 400 and refused.json()[0]["errorCode"] == "INVALID_OPERATION"
    assert sf_call(synced, "PATCH", f"sobjects/User/{sf_user['Id']}", {"IsActive": False}).status_code == 204
    assert zd_delete(synced, f"organizations/{org.zd_id}.json").status_code == 204
    assert zd_delete(synced, f"users/{user.zd_id}.json").status_code == 200
    # What query (not queryAll) and the API show after a delete.
    listed = sf_call(synced, "GET", f"query/?q=SELECT+Id+FROM+Account+WHERE+Id+=+'{gone.sf_id}'").json()
    assert listed["totalSize"] == 0
    assert (
        sf_call(synced, "GET", f"sobjects/Account/{gone.sf_id}").json()[0]["errorCode"] == "ENTITY_IS_DELETED"
    )

    runs = sync_all()
    assert all(run.status == RunStatus.SUCCEEDED for run in runs.values())

    for row in (gone, org, contact, user, case):
        row.refresh_from_db()
        assert row.deleted_at is not None, row
    assert not SalesforceUser.objects.get(sf_id=sf_user["Id"]).is_active
    # Out of the pages ...
    portfolio = csm_client.get("/accounts/", {"csm": "any"}).content.decode()
    assert gone.name not in portfolio and other.name in portfolio
    assert org not in account_page(other).orgs
    people = account_people(other)
    assert contact.pk not in {p.contact.pk for p in people.people if p.contact}
    assert user.pk not in {p.user.pk for p in people.people if p.user}
    assert contact_email not in _contacts_page_emails(csm_client, other)
    ticket_page = csm_client.get(f"/tickets/{case.ticket.zd_id}/").content.decode()
    assert f"Salesforce case {case.case_number}" not in ticket_page
    # ... and the history kept: the audit trail, the tickets, the requester as "deleted person".
    page = csm_client.get(f"/accounts/{gone.pk}/")
    assert page.status_code == 200 and "deleted in Salesforce" in page.content.decode()
    verbs = list(gone.events.values_list("verb", flat=True))
    assert "note" in verbs and "sync.account_deleted" in verbs
    assert AccountEvent.objects.filter(account=other, verb="sync.organization_deleted").exists()
    assert set(Ticket.objects.filter(organization=org).values_list("pk", flat=True)) == tickets_of_org
    assert set(Ticket.objects.filter(requester=user).values_list("pk", flat=True)) == tickets_of_user
    requested = csm_client.get(f"/tickets/id/{min(tickets_of_user)}/", follow=True).content.decode()
    assert "deleted person" in requested

    # A second sync changes nothing: deletions are versions like any other.
    again = sync_all()
    assert {(r.created, r.updated, r.deleted) for r in again.values()} == {(0, 0, 0)}


def _copy_person_everywhere(synced, csm, account: Account, person: SupportUser) -> Ticket:
    """The person copied into the portal's own records: a new ticket (its notification and
    email), feedback, an onboarding email sent to them (its audit line and outbox row)."""
    state = synced.state
    new, _ = state.create_ticket(
        {
            "subject": f"Login fails for {person.name}",
            "requester_id": person.zd_id,
            "priority": "high",
            "description": f"Since this morning I cannot log in.\n\nThanks,\n{person.name}\n{person.email}",
        },
        notify=False,
    )
    assert run_stream("zendesk.tickets").status == RunStatus.SUCCEEDED
    assert run_stream("zendesk.comments").status == RunStatus.SUCCEEDED
    ticket = Ticket.objects.get(zd_id=new["id"])
    assert Notification.objects.filter(ticket=ticket).exists()
    feedback_forward(
        forwarded_by=csm,
        account=account,
        ticket=ticket,
        sentiment="negative",
        channel="email",
        customer_words=f"{person.name} ({person.email}) says nobody answered for three days.",
        csm_context=f"Call {person.name} back.",
    )
    # The account's emails go to an organization's people once its link to the account is
    # trusted (a sandbox org's name need not match its account's): the CSM confirms it.
    from accounts.services.organizations import organization_link_confirm

    organization_link_confirm(organization=person.organization, user=csm)
    checklist = start_checklist(account, actor=csm)
    step = checklist.steps.filter(kind=StepKind.EMAIL).first()
    checklist_email_send(
        step=step,
        actor=csm,
        to_email=person.email,
        subject="Managing support contacts",
        body=f"Dear {person.name},\n\nhere is how to manage your support contacts.",
    )
    outbox = OutboxMessage.objects.all()
    assert outbox.filter(to__icontains=person.email).exists()  # the onboarding email
    assert outbox.filter(body__icontains=person.name).count() >= 2  # and the notification
    assert Feedback.objects.filter(customer_words__icontains=person.email).exists()
    assert Comment.objects.filter(ticket=ticket, body__icontains=person.name).exists()
    return ticket


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "notifications.mail.OutboxBackend"


def _csm_account(synced, csm) -> dict:
    """A sandbox account with an org, made the Demo CSM's (csm@example.com: the csm persona)."""
    world = synced.state.world
    demo = next(u for u in world.sf_users if u["Email"] == csm.email)
    linked = {o["organization_fields"]["salesforce_id"]: o["id"] for o in world.orgs}
    account = next(a for a in world.accounts if a["Id"] in linked)
    synced.state.sf.update("Account", account["Id"], {"CSM__c": demo["Id"]})
    return {**account, "org_id": linked[account["Id"]]}


def test_a_person_deleted_in_zendesk_leaves_no_trace_after_the_users_stream(synced, csm, outbox):
    state = synced.state
    sf_account = _csm_account(synced, csm)
    added = state.add_user("Rosalind Quennell", "r.quennell@customer-example.org", sf_account["org_id"])
    sync_all()
    person = SupportUser.objects.get(zd_id=added["id"])
    account = person.organization.account
    assert account.csm == csm
    name, email = person.name, person.email
    ticket = _copy_person_everywhere(synced, csm, account, person)
    assert name in ticket.description

    assert zd_delete(synced, f"users/{person.zd_id}.json").status_code == 200
    # Only the users stream: the erase happens as the stream sees the deletion.
    assert run_stream("zendesk.users").status == RunStatus.SUCCEEDED

    assert_nowhere(name, email)
    person.refresh_from_db()
    assert person.deleted_at is not None and str(person) == "deleted person"
    ticket.refresh_from_db()
    assert ticket.requester == person and "deleted person" in ticket.description


def test_a_contact_deleted_in_salesforce_leaves_no_trace_after_the_contacts_stream(synced, csm, outbox):
    sf_account = _csm_account(synced, csm)
    created = sf_call(
        synced,
        "POST",
        "sobjects/Contact/",
        {
            "AccountId": sf_account["Id"],
            "FirstName": "Octavia",
            "LastName": "Pemberton-Hale",
            "Email": "Octavia.PH@customer-example.org",
            "Title": "CTO",
            "Phone": "+44 20 7946 0321",
        },
    )
    assert created.status_code == 201
    sync_all()
    contact = Contact.objects.get(sf_id=created.json()["id"])
    name, email = contact.name, contact.email
    account = contact.account
    feedback_forward(
        forwarded_by=csm,
        account=account,
        sentiment="positive",
        channel="call",
        customer_words=f"{name} loved the quick answer.",
    )
    checklist = start_checklist(account, actor=csm)
    step = checklist.steps.filter(kind=StepKind.EMAIL).first()
    checklist_email_send(step=step, actor=csm, to_email=email, subject="Support", body=f"Dear {name},")
    assert OutboxMessage.objects.filter(to__icontains=email).exists()

    assert sf_call(synced, "DELETE", f"sobjects/Contact/{contact.sf_id}").status_code == 204
    assert run_stream("salesforce.contacts").status == RunStatus.SUCCEEDED

    assert_nowhere(name, email)
    contact.refresh_from_db()
    assert contact.deleted_at is not None and str(contact) == "deleted person"


def test_a_salesforce_merge_deletes_the_loser_and_moves_its_contacts(synced, csm):
    sync_all()
    winner, loser = Account.objects.order_by("pk")[:2]
    moved = set(Contact.objects.filter(account=loser).values_list("pk", flat=True))
    synced.state.sf.merge("Account", winner.sf_id, loser.sf_id)
    sync_all()
    loser.refresh_from_db()
    assert loser.deleted_at is not None
    assert set(Contact.objects.filter(account=winner, pk__in=moved).values_list("pk", flat=True)) == moved
    assert loser not in Account.objects.live()
