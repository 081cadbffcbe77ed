"""The "Managing Support Contacts" email: written from an editable template, sent from the portal
after commit, and recorded on the step and in the audit trail."""

import smtplib

import pytest
from django.core import mail

from accounts.checklist_models import AccountEmail, EmailStatus, EmailTemplate, StepKind, StepStatus
from accounts.models import AccountEvent
from accounts.services.checklists import StepError
from accounts.services.emails import TransientEmailError, account_email_deliver, checklist_email_send
from accounts.services.organizations import organization_link_confirm
from tests.factories import AccountFactory, ContactFactory, OrganizationFactory, SupportUserFactory
from tests.factories.accounts import start_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_step(csm):
    account = AccountFactory(csm=csm, name="Acme Corp", sold_to_email="Buyer@Acme.example")
    ContactFactory(account=account, first_name="Bea", last_name="Buyer", email="buyer@acme.example")
    OrganizationFactory(account=account, cmp_id="", domain_names=["acme.example"])
    return start_checklist(account, actor=csm).steps.get(kind=StepKind.EMAIL)


def test_it_fills_the_template_for_the_account(email_step, csm_client):
    account = email_step.checklist.account
    response = csm_client.get(f"/accounts/{account.pk}/steps/{email_step.pk}/email/")
    form = response.context["form"]
    assert form.initial["to"] == "Buyer@Acme.example"
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
                "to": "buyer@acme.example",
                "subject": "Your support contacts",
                "body": "Hello Bea,\n\nPlease send us the list.",
                "copy_me": "on",
            },
        )
        assert not mail.outbox  # delivery waits for the commit
    assert callbacks and response.status_code == 302 and response["Location"].endswith("#onboarding")
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
        {"to": "not an email", "subject": "Hi {{ acount_name }}", "body": "My long text"},
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


def post_email(client, step, **data):
    account = step.checklist.account
    payload = {"to": "buyer@acme.example", "subject": "Your support contacts", "body": "Hello"}
    return client.post(f"/accounts/{account.pk}/steps/{step.pk}/email/", {**payload, **data})


@pytest.mark.parametrize(
    "outsider", ["someone@gmail.com", "buyer@acme.example.evil.io", "ceo@competitor.example"]
)
def test_it_refuses_an_address_outside_the_account_with_a_form_error(email_step, csm_client, outsider):
    response = post_email(csm_client, email_step, to=outsider)
    assert response.status_code == 200
    assert f"{outsider} is not one of this account&#x27;s own people" in response.content.decode()
    assert not AccountEmail.objects.exists() and not mail.outbox
    with pytest.raises(StepError):  # the service refuses it too
        checklist_email_send(step=email_step, actor=None, to_email=outsider, subject="s", body="b")


def test_it_sends_to_the_accounts_people_and_its_domains(
    email_step, csm_client, django_capture_on_commit_callbacks
):
    account = email_step.checklist.account
    SupportUserFactory(organization=account.organizations.get(), email="zoe@zd-only.example")
    for to in ("zoe@zd-only.example", "new.person@acme.example"):  # a Zendesk user; the org's domain
        with django_capture_on_commit_callbacks(execute=True):
            assert post_email(csm_client, email_step, to=to).status_code == 302
    assert [m.to for m in mail.outbox] == [["zoe@zd-only.example"], ["new.person@acme.example"]]


@pytest.mark.parametrize("subject", ["Hi\nBcc: all@evil.example", "Hi\r\n", "Hi\u2028there"])
def test_a_subject_with_a_line_break_is_a_form_error_not_a_stuck_email(email_step, csm_client, subject):
    response = post_email(csm_client, email_step, subject=subject)
    assert response.status_code == 200
    assert "The subject must be one line" in response.content.decode()
    assert not AccountEmail.objects.exists()
    email_step.refresh_from_db()
    assert email_step.status == StepStatus.PENDING


def test_a_line_break_that_reaches_delivery_fails_the_email_instead_of_leaving_it_sending(email_step, csm):
    email = checklist_email_send(step=email_step, actor=csm, to_email="b@acme.example", subject="s", body="b")
    AccountEmail.objects.filter(pk=email.pk).update(subject="Hi\nBcc: x@evil.example")  # an old row
    assert account_email_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and not mail.outbox


def test_it_never_sends_to_an_unconfirmed_orgs_people_until_the_link_is_confirmed(
    email_step, csm, csm_client, django_capture_on_commit_callbacks
):
    account = email_step.checklist.account
    delta = OrganizationFactory(
        account=account, name="Delta Payments Pte. Ltd.", domain_names=["deltapayments.sg"]
    )
    SupportUserFactory(organization=delta, email="tan@deltapayments.sg")
    for to in ("tan@deltapayments.sg", "other@deltapayments.sg"):
        response = post_email(csm_client, email_step, to=to)
        assert response.status_code == 200
        assert "nobody has confirmed that it belongs to the account" in response.content.decode()
    assert not AccountEmail.objects.exists()

    organization_link_confirm(organization=delta, user=csm)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_email(csm_client, email_step, to="tan@deltapayments.sg").status_code == 302
    assert [m.to for m in mail.outbox] == [["tan@deltapayments.sg"]]
