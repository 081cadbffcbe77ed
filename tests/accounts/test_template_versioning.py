"""Checklist templates are versioned: a change publishes a new version and never rewrites a
checklist in progress."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from accounts.checklist_models import ChecklistTemplate, StepKind, TemplateStep
from accounts.services.templates import checklist_template_publish
from tests.factories import AccountFactory
from tests.factories.accounts import shipped_templates, start_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    shipped_templates()
    return ChecklistTemplate.objects.get(key="support-onboarding")


def test_it_publishes_nothing_when_nothing_changed(template, admin_user):
    assert checklist_template_publish(template=template, actor=admin_user) is None
    template.refresh_from_db()
    assert template.version == 2 and template.versions.count() == 2  # shipped, then made faithful


def test_it_publishes_a_new_version_when_a_step_changes(template, admin_user):
    TemplateStep.objects.create(
        template=template, position=9, title="Quarterly ticket review", kind=StepKind.MANUAL
    )
    version = checklist_template_publish(template=template, actor=admin_user)
    assert version.number == 3 and version.created_by == admin_user
    assert version.steps[-1]["title"] == "Quarterly ticket review"
    template.refresh_from_db()
    assert template.version == 3
    assert (
        template.versions.get(number=2).steps[-1]["title"] == "Educate the customer on ticket best practice"
    )


def test_it_keeps_a_checklist_in_progress_on_its_version(template, admin_user, csm):
    started = AccountFactory(csm=csm)
    old = start_checklist(started, actor=csm)
    step = template.steps.get(position=8)
    step.title = "Run the ticket best-practice workshop"
    step.save()
    template.steps.filter(position=7).delete()
    checklist_template_publish(template=template, actor=admin_user)

    old_titles = list(old.steps.values_list("title", flat=True))
    assert len(old_titles) == 8 and old_titles[-1] == "Educate the customer on ticket best practice"
    assert old.template_version.number == 2

    new = start_checklist(AccountFactory(csm=csm), actor=csm)
    new_titles = list(new.steps.values_list("title", flat=True))
    assert new.template_version.number == 3
    assert len(new_titles) == 7 and new_titles[-1] == "Run the ticket best-practice workshop"


def test_it_tells_the_account_page_a_newer_version_exists(template, admin_user, csm, csm_client):
    account = AccountFactory(csm=csm)
    start_checklist(account, actor=csm)
    TemplateStep.objects.create(template=template, position=9, title="Extra", kind=StepKind.MANUAL)
    checklist_template_publish(template=template, actor=admin_user)
    response = csm_client.get(f"/accounts/{account.pk}/")
    assert "version 3 is out; this checklist keeps its steps" in response.content.decode()


def test_it_publishes_when_an_admin_saves_the_template(template, admin_user):
    """The admin's save hook publishes; the admin form itself is Django's."""
    template.steps.filter(position=1).update(title="Find the sold-to contact")
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = site._registry[ChecklistTemplate]

    class Form:
        instance = template

        def save_m2m(self):
            pass

    model_admin.save_related(request, Form(), [], change=True)
    template.refresh_from_db()
    assert template.version == 3
    assert template.versions.get(number=3).steps[0]["title"] == "Find the sold-to contact"


def test_it_opens_the_template_in_the_admin(template, admin_client_):
    response = admin_client_.get(f"/admin/accounts/checklisttemplate/{template.pk}/change/")
    assert response.status_code == 200
    assert b"Published versions" in response.content


def test_it_validates_template_steps():
    from django.core.exceptions import ValidationError

    shipped_templates()
    template = ChecklistTemplate.objects.get(key="support-onboarding")
    with pytest.raises(ValidationError, match="Choose the check"):
        TemplateStep(template=template, title="x", kind=StepKind.AUTOMATIC).clean()
    with pytest.raises(ValidationError, match="Choose the email"):
        TemplateStep(template=template, title="x", kind=StepKind.EMAIL).clean()


def test_it_adds_a_template_in_the_admin_and_publishes_its_first_version(admin_client_):
    shipped_templates()
    data = {
        "key": "renewal-prep",
        "name": "Renewal preparation",
        "description": "",
        "is_active": "on",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-0-position": "1",
        "steps-0-title": "Review the last quarter's tickets",
        "steps-0-kind": "manual",
        "steps-0-check_key": "",
        "steps-0-email_template": "",
        "steps-0-description": "",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    response = admin_client_.post("/admin/accounts/checklisttemplate/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ChecklistTemplate.objects.get(key="renewal-prep")
    assert template.version == 1
    assert template.versions.get().steps[0]["title"] == "Review the last quarter's tickets"


def test_it_refuses_an_automatic_step_without_a_check_in_the_admin(admin_client_):
    data = {
        "key": "broken",
        "name": "Broken",
        "description": "",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-0-position": "1",
        "steps-0-title": "Check something",
        "steps-0-kind": "automatic",
        "steps-0-check_key": "",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    response = admin_client_.post("/admin/accounts/checklisttemplate/add/", data)
    assert response.status_code == 200
    assert "Choose the check that verifies this step." in response.content.decode()
    assert not ChecklistTemplate.objects.filter(key="broken").exists()
