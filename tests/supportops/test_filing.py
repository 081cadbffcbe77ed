"""Filing a request from the account page: prefilled form, validation, queue, email, audit."""

import pytest
from django.core import mail

from accounts.models import AccountEvent
from supportops.models import EventVerb, OpsRequest, RequestKind, RequestStatus
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def url(org):
    return f"/requests/new/correction/{org.pk}/"


def test_it_prefills_the_form_with_the_orgs_url_and_current_am_id(csm_client, org, settings_ops):
    response = csm_client.get(url(org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "https://gitlab.zendesk.com/agent/organizations/11111111/tickets" in html
    assert 'href="https://gitlab.com/projects/123"' in html  # current AM ID, as a link
    handbook_line = "**The AM ID should therefore be**: &lt;collaboration project ID&gt; and finally point to"
    assert f"{handbook_line} &lt;project URL&gt;" in html


def test_it_files_a_correction_emails_support_ops_and_records_it(
    csm, csm_client, org, settings_ops, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = csm_client.post(
            url(org), {"am_project_id": " 17735787 ", "project_url": "https://gitlab.com/acme/collab/"}
        )
    item = OpsRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{item.pk}/"
    assert item.kind == RequestKind.AM_PROJECT_ID and item.status == RequestStatus.OPEN
    assert (item.requested_am_project_id, item.project_url) == ("17735787", "https://gitlab.com/acme/collab")
    assert item.current_am_project_id == "123" and item.zd_organization_id == 11111111
    assert item.requested_by == csm and item.account == org.account
    assert item.body == (
        "**Context/Request**: For an ORG I manage, I would like to request that the AM id gets changed "
        "which is used to link to the correct collaboration project from ZD org view.\n\n"
        "**Org**: https://gitlab.zendesk.com/agent/organizations/11111111/tickets\n\n"
        "**The AM ID should therefore be**: 17735787 and finally point to https://gitlab.com/acme/collab\n\n"
        "**Ref. of handbook**: https://about.gitlab.com/handbook/support/workflows/"
        "looking_up_customer_technical_details/#architecture-diagram-and-customer-success-project\n"
    )
    assert [e.verb for e in item.events.all()] == [EventVerb.OPENED]
    audit = AccountEvent.objects.get(account=org.account)
    assert audit.verb == "request.opened" and audit.actor == csm
    assert "from 123 to 17735787" in audit.summary
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["support-ops@example.com"] and email.reply_to == [csm.email]
    assert f"Request #{item.pk}" in email.subject and "Acme Rockets" in email.subject
    assert item.body in email.body and f"http://testserver/requests/{item.pk}/" in email.body


def test_it_sends_the_email_only_when_the_request_is_committed(csm_client, org, settings_ops):
    csm_client.post(url(org), {"am_project_id": "5", "project_url": "https://gitlab.com/a/b"})
    assert OpsRequest.objects.count() == 1
    assert mail.outbox == []  # the test transaction never commits


@pytest.mark.parametrize(
    "data,field,message",
    [
        (
            {"am_project_id": "17735787x", "project_url": "https://gitlab.com/a/b"},
            "am_project_id",
            "digits only",
        ),
        ({"am_project_id": "", "project_url": "https://gitlab.com/a/b"}, "am_project_id", "required"),
        ({"am_project_id": "0", "project_url": "https://gitlab.com/a/b"}, "am_project_id", "can't be 0"),
        ({"am_project_id": "123", "project_url": "https://gitlab.com/a/b"}, "am_project_id", "already this"),
        (
            {"am_project_id": "9", "project_url": "https://github.com/a/b"},
            "project_url",
            "must be on https://gitlab.com",
        ),
        (
            {"am_project_id": "9", "project_url": "http://gitlab.com/a/b"},
            "project_url",
            "must be on https://gitlab.com",
        ),
        (
            {"am_project_id": "9", "project_url": "https://gitlab.com.evil.example/a/b"},
            "project_url",
            "must be on",
        ),
        (
            {"am_project_id": "9", "project_url": "https://gitlab.com/acme"},
            "project_url",
            "group and project",
        ),
        (
            {"am_project_id": "9", "project_url": "https://gitlab.com/-/ide"},
            "project_url",
            "group and project",
        ),
        ({"am_project_id": "9", "project_url": "javascript:alert(1)"}, "project_url", "full address"),
        ({"am_project_id": "9", "project_url": "https://me:pw@gitlab.com/a/b"}, "project_url", "passwords"),
    ],
)
def test_it_explains_what_is_wrong_and_keeps_the_input(csm_client, org, settings_ops, data, field, message):
    response = csm_client.post(url(org), data)
    assert response.status_code == 200
    assert not OpsRequest.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    for value in data.values():
        if value:
            assert f'value="{value}"' in response.content.decode().replace("&amp;", "&") or "<" in value


def test_it_accepts_projects_on_a_self_managed_gitlab(csm_client, org, settings_ops):
    settings_ops.GITLAB_URL = "https://git.example.org"
    response = csm_client.post(
        url(org), {"am_project_id": "9", "project_url": "https://GIT.example.org/a/b?x=1#y"}
    )
    assert response.status_code == 302
    assert OpsRequest.objects.get().project_url == "https://git.example.org/a/b"


def test_it_refuses_a_second_correction_for_the_same_org_while_one_is_active(csm_client, org, settings_ops):
    csm_client.post(url(org), {"am_project_id": "9", "project_url": "https://gitlab.com/a/b"})
    first = OpsRequest.objects.get()
    response = csm_client.post(url(org), {"am_project_id": "10", "project_url": "https://gitlab.com/a/c"})
    assert response.status_code == 200
    assert OpsRequest.objects.count() == 1
    assert f'href="/requests/{first.pk}/"' in response.content.decode()
    assert "already under way" in response.content.decode()
    first.status = RequestStatus.CANCELLED
    first.save()
    response = csm_client.post(url(org), {"am_project_id": "10", "project_url": "https://gitlab.com/a/c"})
    assert response.status_code == 302 and OpsRequest.objects.count() == 2


def test_it_previews_the_text_while_the_csm_types(csm_client, org, settings_ops):
    response = csm_client.post(
        f"{url(org)}preview/",
        {"am_project_id": "77", "project_url": "https://gitlab.com/acme/collab"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="preview"')
    assert "<html" not in html
    assert "**The AM ID should therefore be**: 77 and finally point to https://gitlab.com/acme/collab" in html
    assert not OpsRequest.objects.exists()


def test_it_files_static_notes_and_escapes_them(
    csm, csm_client, org, settings_ops, django_capture_on_commit_callbacks
):
    notes = "<script>alert('x')</script> Runs on OpenShift; ask for the VPN first."
    with django_capture_on_commit_callbacks(execute=True):
        response = csm_client.post(f"/requests/new/notes/{org.pk}/", {"notes": notes})
    item = OpsRequest.objects.get()
    assert response.status_code == 302
    assert item.kind == RequestKind.ORG_NOTES and item.notes == notes
    assert "**Notes**:\n\n" + notes in item.body
    page = csm_client.get(f"/requests/{item.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert mail.outbox[0].to == ["support-ops@example.com"] and notes in mail.outbox[0].body
    assert AccountEvent.objects.filter(account=org.account, verb="request.opened").exists()


def test_it_refuses_empty_notes_and_notes_already_on_the_org(csm_client, org, settings_ops):
    response = csm_client.post(f"/requests/new/notes/{org.pk}/", {"notes": "   "})
    assert response.status_code == 200 and "notes" in response.context["form"].errors
    org.notes = "Runs on   OpenShift.\nVPN first."
    org.save()
    response = csm_client.post(f"/requests/new/notes/{org.pk}/", {"notes": "runs on openshift. vpn first."})
    assert response.status_code == 200
    assert "already say this" in response.context["form"].errors["notes"][0]


def test_it_404s_for_an_org_without_an_account(csm_client, settings_ops):
    orphan = OrganizationFactory(account=None)
    assert csm_client.get(url(orphan)).status_code == 404
    assert csm_client.get("/requests/new/correction/999999/").status_code == 404


def test_it_updates_the_errors_of_typed_in_fields_with_the_preview(csm_client, org, settings_ops):
    response = csm_client.post(
        f"{url(org)}preview/", {"am_project_id": "12a", "project_url": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert (
        '<div id="errors-am_project_id" hx-swap-oob="true"><ul class="errorlist">'
        "<li>The collaboration project ID is a number" in html
    )
    assert 'id="errors-project_url"' not in html  # not typed in yet: no "required" while typing
    response = csm_client.post(
        f"{url(org)}preview/", {"am_project_id": "12", "project_url": ""}, HTTP_HX_REQUEST="true"
    )
    assert '<div id="errors-am_project_id" hx-swap-oob="true"></div>' in response.content.decode()
