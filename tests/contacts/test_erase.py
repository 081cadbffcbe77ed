"""person_erase(email=): a privacy request that reaches the portal directly (service, admin
action, management command). The end-to-end erase through the sync is in
tests/integrations/test_deletions_sandbox.py."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AccountEvent
from contacts.erase import person_erase
from contacts.models import Contact, SupportUser
from feedback.models import Feedback
from notifications.models import OutboxMessage
from tests.factories.accounts import AccountFactory, OrganizationFactory
from tests.factories.contacts import ContactFactory, SupportUserFactory
from tests.factories.feedback import FeedbackFactory
from tests.factories.tickets import CommentFactory, TicketFactory
from tests.integrations.deletions_support import assert_nowhere

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NAME, EMAIL = "Marguerite Oyelaran", "M.Oyelaran@customer-example.org"


@pytest.fixture
def person():
    account = AccountFactory(sold_to_email=EMAIL)
    org = OrganizationFactory(account=account, cmp_developers=f"- {EMAIL.lower()}\n- someone@else.example")
    contact = ContactFactory(account=account, first_name="Marguerite", last_name="Oyelaran", email=EMAIL)
    user = SupportUserFactory(organization=org, name=NAME, email=EMAIL.lower())
    other = SupportUserFactory(organization=org, name="Bartholomew Ikeji")
    ticket = TicketFactory(requester=user, description=f"Cannot log in.\n-- \n{NAME}")
    untouched = TicketFactory(requester=other, description="Marguerite's colleague asked the same.")
    CommentFactory(ticket=ticket, zd_ticket_id=ticket.zd_id, author=other, body=f"Hi {NAME}, try again?")
    FeedbackFactory(account=account, customer_words=f"{NAME} <{EMAIL}> is unhappy.")
    AccountEvent.objects.create(
        account=account, verb="checklist.email_sent", summary=f"Emailed to {EMAIL}", detail={"to": [EMAIL]}
    )
    OutboxMessage.objects.create(to=f"{EMAIL}, csm@example.com", subject="Support", body=f"Dear {NAME},")
    return {"contact": contact, "user": user, "other": other, "untouched": untouched, "account": account}


def test_it_erases_the_person_everywhere_and_marks_their_rows_deleted(person):
    result = person_erase(email=f"  {EMAIL.upper()} ")

    assert_nowhere(NAME, EMAIL)
    contact, user = (
        Contact.objects.get(pk=person["contact"].pk),
        SupportUser.objects.get(pk=person["user"].pk),
    )
    assert contact.deleted_at and user.deleted_at and not user.active
    assert str(contact) == str(user) == "deleted person"
    assert {
        "accounts.account",
        "accounts.organization",
        "accounts.accountevent",
        "contacts.contact",
        "contacts.supportuser",
        "tickets.ticket",
        "tickets.comment",
        "feedback.feedback",
        "notifications.outboxmessage",
    } == set(result.tables)
    # What was not theirs stays: the colleague, a first name alone, the other address.
    assert SupportUser.objects.get(pk=person["other"].pk).name == "Bartholomew Ikeji"
    assert person["untouched"].description in type(person["untouched"]).objects.values_list(
        "description", flat=True
    )
    person["account"].refresh_from_db()
    assert person["account"].sold_to_email == ""
    assert "someone@else.example" in person["account"].organizations.get().cmp_developers
    outbox = OutboxMessage.objects.get()
    assert outbox.to == "deleted person, csm@example.com" and outbox.body == "Dear deleted person,"
    assert Feedback.objects.get().customer_words == "deleted person <deleted person> is unhappy."
    assert AccountEvent.objects.get().detail == {"to": [""]}
    # Deleted people leave the lists.
    assert not Contact.objects.live().filter(pk=contact.pk).exists()
    assert SupportUser.objects.live().filter(pk=person["other"].pk).exists()


def test_it_is_idempotent_and_refuses_a_missing_address(person):
    person_erase(email=EMAIL)
    assert person_erase(email=EMAIL).rows == 0
    with pytest.raises(ValueError):
        person_erase(email="not an address")


def test_the_command_erases_and_reports(person, capsys):
    call_command("erase_person", "--email", EMAIL)
    assert "Erased:" in capsys.readouterr().out
    assert_nowhere(NAME, EMAIL)
    with pytest.raises(CommandError):
        call_command("erase_person", "--email", "")


def test_the_admin_action_erases_the_selected_people(person, admin_client_):
    response = admin_client_.post(
        "/admin/contacts/supportuser/",
        {"action": "erase_people", "_selected_action": [person["user"].pk]},
        follow=True,
    )
    assert response.status_code == 200 and "Erased 1 person" in response.content.decode()
    assert_nowhere(NAME, EMAIL)
