"""Act where you read, on the ticket page: "Teach from this ticket" (the education email about
this ticket's own gaps, to its requester, greeting them by name, on the one email screen) and
"Forward feedback about this ticket" (the forward form, prefilled)."""

from urllib.parse import quote

import pytest
from django.core import mail

from accounts.checklist_models import StepAction, StepStatus
from accounts.models import AccountEvent
from tests.factories import ContactFactory, SupportUserFactory
from tests.factories.accounts import start_checklist
from tests.factories.tickets import ReviewedTicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(world, make_ticket):
    account = world["mine"]
    robin = SupportUserFactory(
        organization=account.organizations.get(), name="Robin Reyes", email="robin@acme.example"
    )
    make_ticket(description="Everything is fine, thanks for the quick help last week with the runner.")
    return ReviewedTicketFactory(
        requester=robin, zd_id=1854, subject="Pipeline broken", description="broken, call me"
    )


def teach_url(ticket, **extra) -> str:
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in {"ticket": ticket.zd_id, **extra}.items())
    return f"/tickets/accounts/{ticket.account_id}/education-email/?{query}"


def test_the_ticket_page_offers_to_teach_from_it_and_forward_feedback_about_it(csm_client, ticket):
    page = csm_client.get(ticket.get_absolute_url()).content.decode()
    assert "Teach from this ticket</a>" in page and "Forward feedback about this ticket</a>" in page
    assert (
        f"/tickets/accounts/{ticket.account_id}/education-email/?ticket=1854&amp;next=%2Ftickets%2F{ticket.zd_id}%2F"
        in page
    )
    assert f"/feedback/forward/?ticket=1854&amp;account={ticket.account_id}" in page


def test_only_csms_are_offered_to_forward_feedback(manager, client, ticket):
    client.force_login(manager)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Teach from this ticket" in page and "Forward feedback about this ticket" not in page


def test_the_forward_form_opens_with_the_ticket_and_its_account(csm_client, ticket):
    page = csm_client.get(f"/feedback/forward/?ticket=1854&account={ticket.account_id}").content.decode()
    assert 'value="1854"' in page and f'<option value="{ticket.account_id}" selected>' in page
    lookup = csm_client.get("/feedback/forward/ticket-lookup/?ticket=1854").content.decode()
    assert "Pipeline broken" in lookup and "requester Robin Reyes" in lookup


def test_it_drafts_from_this_tickets_own_gaps_greeting_the_requester(csm_client, ticket):
    page = csm_client.get(teach_url(ticket)).content.decode()
    assert "Teach from ticket #1854" in page
    assert "Hello Robin," in page  # greeted by name
    assert "Your support ticket #1854: tips for faster answers" in page
    assert "Keep the conversation in the ticket" in page  # this ticket asked for a call
    assert "This came up in" not in page  # not the account-wide draft
    assert 'value="robin@acme.example"' in page  # the requester is the recipient
    assert "Preview" in page and "Send email" in page


def test_the_salesforce_contacts_first_name_is_preferred(csm_client, ticket):
    ContactFactory(account=ticket.account, first_name="Rob", last_name="Reyes", email="robin@acme.example")
    ticket.requester.contact = ticket.account.contacts.get()
    ticket.requester.save()
    assert "Hello Rob," in csm_client.get(teach_url(ticket)).content.decode()


def test_sending_it_records_the_ticket_completes_the_step_and_goes_back_to_the_ticket(
    csm, csm_client, ticket, django_capture_on_commit_callbacks
):
    start_checklist(ticket.account, actor=csm)
    back = ticket.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        response = csm_client.post(
            teach_url(ticket),
            {
                "ticket": "1854",
                "next": back,
                "to": "robin@acme.example",
                "subject": "Tips",
                "body": "Hello Robin,",
            },
        )
    assert response.status_code == 302 and response["Location"] == back
    assert [m.to for m in mail.outbox] == [["robin@acme.example"]]
    event = AccountEvent.objects.get(verb="tickets.education_email_sent")
    assert event.detail["ticket"] == 1854 and "about ticket #1854" in event.summary
    assert "call_request" in event.detail["gaps"]
    step = ticket.account.checklists.get().steps.get(action=StepAction.EDUCATION_EMAIL)
    assert step.status == StepStatus.DONE and step.email_id == event.detail["email"]
    page = csm_client.get(back).content.decode()
    assert "Sending “Tips” to robin@acme.example" in page  # the confirmation, where the user is


def test_it_never_goes_back_to_another_site(csm_client, ticket, django_capture_on_commit_callbacks):
    response = csm_client.post(
        teach_url(ticket),
        {"next": "https://evil.example/", "to": "robin@acme.example", "subject": "Tips", "body": "Hi"},
    )
    assert response.status_code == 302 and response["Location"].startswith(
        f"/tickets/accounts/{ticket.account_id}/review/"
    )


def test_another_accounts_ticket_is_a_404(csm_client, world, make_ticket):
    theirs = make_ticket("theirs", zd_id=777)
    response = csm_client.get(f"/tickets/accounts/{world['mine'].pk}/education-email/?ticket=777")
    assert response.status_code == 404 and theirs.account_id != world["mine"].pk
    assert (
        csm_client.get(f"/tickets/accounts/{world['mine'].pk}/education-email/?ticket=x1").status_code == 404
    )


def test_a_requester_who_is_not_the_accounts_own_person_is_not_prefilled(csm_client, world, make_ticket):
    stranger = SupportUserFactory(organization=None, name="Sam Stranger", email="sam@elsewhere.example")
    org = world["mine"].organizations.get()
    ticket = ReviewedTicketFactory(
        requester=stranger, organization=org, account=world["mine"], zd_id=4242, description="broken"
    )
    page = csm_client.get(teach_url(ticket)).content.decode()
    assert "Hello Sam," in page and 'value="sam@elsewhere.example"' not in page
    assert "is not one of Acme Rockets" in page


def test_the_preview_shows_the_email_as_it_will_leave(csm, csm_client, ticket):
    data = {
        "preview": "1",
        "ticket": "1854",
        "to": "robin@acme.example",
        "subject": "Edited",
        "body": "Hi <b>",
    }
    response = csm_client.post(teach_url(ticket), data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section class="card email-preview"')
    assert "Edited" in html and "Hi &lt;b&gt;" in html and f"<dd>{csm.email}</dd>" in html
    assert not mail.outbox  # a preview sends nothing


def test_other_roles_preview_and_copy_but_do_not_send(client, manager, ticket):
    client.force_login(manager)
    page = client.get(teach_url(ticket)).content.decode()
    assert "Send email" not in page and "Copy text" in page
    data = {"preview": "1", "to": "robin@acme.example", "subject": "s", "body": "b"}
    assert client.post(teach_url(ticket), data).status_code == 200
    data.pop("preview")
    assert client.post(teach_url(ticket), data).status_code == 403
    assert not mail.outbox
