"""The education email: drafted from the account's gaps, editable, sent to the account's own
contacts by the account's CSM, recorded in the audit trail; or copied."""

import pytest
from django.core import mail

from accounts.models import AccountEvent
from tests.factories import ContactFactory, SupportUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(world, make_ticket):
    account = world["mine"]
    ContactFactory(account=account, first_name="Robin", last_name="Reyes", email="robin@acme.example")
    make_ticket(description="broken, call me", days_ago=3)
    make_ticket(description="Down again. Password: Hunter2025!", days_ago=10)
    return account


def url(account) -> str:
    return f"/tickets/accounts/{account.pk}/education-email/"


def test_it_drafts_an_email_from_the_most_common_gaps_with_the_handbooks_advice(csm_client, account):
    body = csm_client.get(url(account)).content.decode()
    assert "Put all the detail into the first message" in body
    assert "Put everything you know into the first message of the ticket" in body  # the advice
    assert "This came up in 2 of the 2 tickets" in body
    assert "Casey CSM" in body  # signed by the sender
    assert "Robin Reyes &lt;robin@acme.example&gt;" in body  # a contact to choose
    assert "Acme Rockets person" in body  # the entitled Zendesk user
    assert "Send email" in body and "Copy text" in body
    assert "Hunter2025!" not in body


def test_the_csm_sends_the_edited_email_and_it_is_recorded(
    csm_client, csm, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = csm_client.post(
            url(account),
            {
                "to": "robin@acme.example",
                "subject": "Tips for faster answers",
                "body": "Hello Robin,\nmy edited text",
                "copy_me": "on",
            },
        )
    assert response.status_code == 302 and response["Location"].startswith(
        f"/tickets/accounts/{account.pk}/review/"
    )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["robin@acme.example"] and sent.subject == "Tips for faster answers"
    assert (
        sent.body == "Hello Robin,\nmy edited text"
        and sent.reply_to == [csm.email]
        and sent.cc == [csm.email]
    )
    event = AccountEvent.objects.get(account=account, verb="tickets.education_email_sent")
    assert event.actor == csm and "robin@acme.example" in event.summary
    assert set(event.detail["gaps"]) >= {"detail"}


def test_bad_input_gets_field_errors_and_keeps_the_text(csm_client, account):
    response = csm_client.post(url(account), {"to": "", "subject": "Keep me", "body": "My careful words"})
    body = response.content.decode()
    assert response.status_code == 200 and "This field is required." in body
    assert "My careful words" in body and 'value="Keep me"' in body
    assert not mail.outbox


def test_it_only_sends_to_the_accounts_own_contacts(csm_client, account):
    response = csm_client.post(url(account), {"to": "attacker@evil.example", "subject": "x", "body": "y"})
    assert response.status_code == 200
    assert "attacker@evil.example is not one of this account&#x27;s own people" in response.content.decode()
    assert not mail.outbox and not AccountEvent.objects.filter(verb="tickets.education_email_sent").exists()


@pytest.mark.parametrize("who", ["other_csm", "manager", "ops"])
def test_only_the_accounts_csm_or_an_admin_may_send(client, request, account, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(url(account)).content.decode()
    assert "Send email" not in page and "Copy text" in page and "Only the account" in page
    response = client.post(url(account), {"to": "robin@acme.example", "subject": "x", "body": "y"})
    assert response.status_code == 403
    assert not mail.outbox


def test_an_admin_may_send(admin_client_, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(url(account), {"to": "robin@acme.example", "subject": "x", "body": "y"})
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_any_csm_may_cover_an_account_without_a_csm(
    client, other_csm, world, django_capture_on_commit_callbacks
):
    orphan = world["orphan"]
    client.force_login(other_csm)
    contact = SupportUserFactory(
        organization=world["people"]["orphan"].organization, email="ana@dunder.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(orphan), {"to": contact.email, "subject": "x", "body": "y"})
    assert response.status_code == 302 and mail.outbox[0].to == ["ana@dunder.example"]


def test_an_account_without_tickets_gets_general_tips(csm_client, world):
    body = csm_client.get(url(world["mine2"])).content.decode()
    assert "there were none to review" in body and "Include the steps to reproduce" in body


def test_it_never_offers_or_sends_to_an_unconfirmed_orgs_people_until_someone_confirms(
    csm_client, csm, account, django_capture_on_commit_callbacks
):
    from accounts.services.organizations import organization_link_confirm
    from tests.factories import OrganizationFactory

    delta = OrganizationFactory(
        account=account, name="Delta Payments Pte. Ltd.", domain_names=["deltapayments.sg"]
    )
    SupportUserFactory(organization=delta, email="tan@deltapayments.sg", name="Tan Delta")
    assert "tan@deltapayments.sg" not in csm_client.get(url(account)).content.decode()
    response = csm_client.post(url(account), {"to": "tan@deltapayments.sg", "subject": "Tips", "body": "Hi"})
    assert response.status_code == 200 and "nobody has confirmed that it belongs" in response.content.decode()
    assert not mail.outbox

    organization_link_confirm(organization=delta, user=csm)
    assert "Tan Delta &lt;tan@deltapayments.sg&gt;" in csm_client.get(url(account)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = csm_client.post(
            url(account), {"to": "tan@deltapayments.sg", "subject": "Tips", "body": "Hi"}
        )
    assert response.status_code == 302 and [m.to for m in mail.outbox] == [["tan@deltapayments.sg"]]


def test_a_subject_with_a_line_break_is_a_form_error(csm_client, account):
    response = csm_client.post(
        url(account), {"to": "robin@acme.example", "subject": "Tips\nBcc: all@evil.example", "body": "Hi"}
    )
    assert response.status_code == 200 and "The subject must be one line" in response.content.decode()
    assert not mail.outbox
