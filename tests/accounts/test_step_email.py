"""The "Managing Support Contacts" email: written from an editable template, sent from the portal
after commit, and recorded on the step and in the audit trail."""

import smtplib

import pytest
from django.core import mail

from accounts.checklist_models import AccountEmail, EmailStatus, EmailTemplate, StepKind, StepStatus
from accounts.models import AccountEvent
from accounts.services.emails import TransientEmailError, account_email_deliver, checklist_email_send
from tests.factories import AccountFactory, ContactFactory, OrganizationFactory
from tests.factories.accounts import start_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_step(csm):
    account = AccountFactory(csm=csm, name="Acme Corp", sold_to_email="Buyer@Acme.example")
    ContactFactory(account=account, first_name="Bea", last_name="Buyer", email="buyer@acme.example")
    OrganizationFactory(account=account, cmp_id="")
    return start_checklist(account, actor=csm).steps.get(kind=StepKind.EMAIL)


def test_it_fills_the_template_for_the_account(email_step, csm_client):
    account = email_step.checklist.account
    response = csm_client.get(f"/accounts/{account.pk}/steps/{email_step.pk}/email/")
    form = response.context["form"]
    assert form.initial["to_email"] == "Buyer@Acme.example"
    assert form.initial["subject"] == "Managing your support contacts for Acme Corp"
    body = form.initial["body"]
    assert body.startswith("Hello Bea,")
    assert "I am Casey CSM, your Customer Success Manager" in body
    assert "Please follow the procedures outlined in Managing Support Contacts" in body
    assert "will not be able to access GitLab Support" in body
    assert "Tell us who" not in body
    assert "https://about.gitlab.com/support/managing-support-contacts/#managing-contacts" in body
    assert "{{" not in body
    assert "Sold-to contact: Bea Buyer." in response.content.decode()


def test_it_uses_the_template_as_an_admin_edited_it(email_step, csm_client):
    EmailTemplate.objects.filter(key="managing-support-contacts").update(
        subject="Support contacts at {{ account_name }}",
        body="Hi {{ contact_name }}, reply to {{ csm_email }}.",
    )
    account = email_step.checklist.account
    form = csm_client.get(f"/accounts/{account.pk}/steps/{email_step.pk}/email/").context["form"]
    assert form.initial["subject"] == "Support contacts at Acme Corp"
    assert form.initial["body"] == "Hi Bea Buyer, reply to csm@example.com."


def test_it_sends_the_edited_email_after_commit_and_records_it(
    email_step, csm, csm_client, django_capture_on_commit_callbacks
):
    account = email_step.checklist.account
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = csm_client.post(
            f"/accounts/{account.pk}/steps/{email_step.pk}/email/",
            {
                "to_email": "buyer@acme.example",
                "subject": "Your support contacts",
                "body": "Hello Bea,\n\nPlease send us the list.",
                "cc_sender": "on",
            },
        )
    assert response.status_code == 302 and response["Location"].endswith("#onboarding")
    assert len(callbacks) == 1  # delivery waits for the commit
    [message] = mail.outbox
    assert message.to == ["buyer@acme.example"] and message.cc == ["csm@example.com"]
    assert message.reply_to == ["csm@example.com"]
    assert message.subject == "Your support contacts" and "Please send us the list." in message.body

    email = AccountEmail.objects.get()
    assert email.status == EmailStatus.SENT and email.sent_at and email.sent_by == csm
    email_step.refresh_from_db()
    assert (
        email_step.status == StepStatus.DONE and email_step.email == email and email_step.completed_by == csm
    )
    assert "buyer@acme.example" in email_step.evidence
    event = AccountEvent.objects.filter(account=account, verb="checklist.email_sent").get()
    assert event.actor == csm and event.detail["email"] == email.pk

    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert f"/accounts/{account.pk}/emails/{email.pk}/" in page
    shown = csm_client.get(f"/accounts/{account.pk}/emails/{email.pk}/").content.decode()
    assert "Please send us the list." in shown and "Sent" in shown


def test_it_delivers_an_email_once_however_often_the_task_runs(
    email_step, csm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = checklist_email_send(
            step=email_step, actor=csm, to_email="b@acme.example", subject="s", body="b"
        )
    assert account_email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_it_keeps_bad_input_and_sends_nothing(email_step, csm_client):
    account = email_step.checklist.account
    response = csm_client.post(
        f"/accounts/{account.pk}/steps/{email_step.pk}/email/",
        {"to_email": "not an email", "subject": "Hi {{ acount_name }}", "body": "My long text"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "Fill in or remove: {{ acount_name }}" in page
    assert "My long text" in page
    assert not AccountEmail.objects.exists() and not mail.outbox
    email_step.refresh_from_db()
    assert email_step.status == StepStatus.PENDING


def test_it_retries_a_busy_mail_server_and_reopens_the_step_when_it_gives_up(
    email_step, csm, monkeypatch, django_capture_on_commit_callbacks
):
    from accounts.services.emails import account_email_fail

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection closed")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    email = checklist_email_send(step=email_step, actor=csm, to_email="b@acme.example", subject="s", body="b")
    with pytest.raises(TransientEmailError):
        account_email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED and email.attempts == 1 and "connection closed" in email.error

    account_email_fail(email_id=email.pk, error="connection closed")
    email.refresh_from_db()
    email_step.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email_step.status == StepStatus.PENDING and email_step.email == email
    assert AccountEvent.objects.filter(verb="checklist.email_failed", actor=None).exists()


def test_it_rejects_unknown_placeholders_in_the_admin():
    from django.core.exceptions import ValidationError

    template = EmailTemplate(key="x", name="x", subject="{{ account_name }}", body="Hi {{ first_name }}")
    with pytest.raises(ValidationError, match="first_name"):
        template.full_clean()
