"""Checklist actions from the account page: who may do what, htmx and plain posts, bad input."""

import pytest

from accounts.checklist_models import ChecklistStep, StepKind, StepStatus
from accounts.models import AccountEvent
from accounts.services.checklists import checklist_step_add, checklist_step_complete
from tests.factories import AccountFactory, UserFactory
from tests.factories.accounts import shipped_templates, start_checklist

pytestmark = pytest.mark.django_db

ROLES = ["csm", "other_csm", "manager", "ops", "admin", "no_role", "anonymous"]
MAY_CHANGE = {"csm", "admin"}  # the account's CSM (the "csm" persona owns the account) and admins


def _account_for(user):
    owner = user if user is not None and user.name == "csm" else UserFactory(roles=["CSM"])
    account = AccountFactory(csm=owner)
    checklist = start_checklist(account, actor=owner)
    return account, checklist, owner


def _manual(checklist):
    return checklist.steps.filter(kind=StepKind.MANUAL).order_by("position").first()


def _actions(account, checklist, owner):
    """(name, url, data) of every POST on the onboarding of an account."""
    manual = _manual(checklist)
    done = checklist.steps.filter(kind=StepKind.MANUAL).order_by("position").last()
    checklist_step_complete(step=done, actor=owner)
    custom = checklist_step_add(checklist=checklist, actor=owner, title="Extra")
    email = checklist.steps.get(kind=StepKind.EMAIL)
    base = f"/accounts/{account.pk}"
    return [
        ("start", f"{base}/checklists/start/", {"template": _older_template_pk()}),
        ("recheck", f"{base}/checklists/recheck/", {}),
        ("add", f"{base}/checklists/{checklist.pk}/steps/add/", {"title": "Call the customer"}),
        ("complete", f"{base}/steps/{manual.pk}/complete/", {"evidence": "done in the call"}),
        ("reopen", f"{base}/steps/{done.pk}/reopen/", {}),
        ("skip", f"{base}/steps/{manual.pk}/skip/", {"reason": "not needed"}),
        ("assign", f"{base}/steps/{manual.pk}/assign/", {"owner": ""}),
        ("move", f"{base}/steps/{manual.pk}/move/", {"direction": "down"}),
        ("remove", f"{base}/steps/{custom.pk}/remove/", {}),
        (
            "email",
            f"{base}/steps/{email.pk}/email/",
            {"to": account.sold_to_email, "subject": "s", "body": "b"},
        ),
    ]


def _older_template_pk():
    from accounts.checklist_models import ChecklistTemplate

    shipped_templates()
    return ChecklistTemplate.objects.get(key="support-onboarding-contact-collection").pk


ACTION_NAMES = ["start", "recheck", "add", "complete", "reopen", "skip", "assign", "move", "remove", "email"]


@pytest.mark.parametrize("persona", ROLES, indirect=True)
@pytest.mark.parametrize("action", ACTION_NAMES)
def test_it_lets_only_the_accounts_csm_and_admins_change_its_onboarding(persona, action):
    user, client = persona
    account, checklist, owner = _account_for(user)
    name, url, data = next(a for a in _actions(account, checklist, owner) if a[0] == action)
    events = AccountEvent.objects.filter(account=account).count()
    response = client.post(url, data)
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name in MAY_CHANGE:
        assert response.status_code == 302, response.content[:500]
        assert response["Location"] == f"/accounts/{account.pk}/#onboarding"
        assert AccountEvent.objects.filter(account=account).count() > events or name == "recheck"
    else:
        assert response.status_code == 403
        assert AccountEvent.objects.filter(account=account).count() == events


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_it_shows_the_email_form_only_to_those_who_may_send_it(persona):
    user, client = persona
    account, checklist, _owner = _account_for(user)
    email = checklist.steps.get(kind=StepKind.EMAIL)
    response = client.get(f"/accounts/{account.pk}/steps/{email.pk}/email/")
    if user is None:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if user.name in MAY_CHANGE else 403)


def test_it_lets_any_csm_onboard_an_account_without_a_csm(other_csm, client):
    shipped_templates()
    account = AccountFactory(csm=None)
    client.force_login(other_csm)
    response = client.post(f"/accounts/{account.pk}/checklists/start/", {"template": _older_template_pk()})
    assert response.status_code == 302
    assert account.checklists.count() == 1


def test_it_lets_a_steps_owner_work_that_step_but_not_change_the_checklist(csm, other_csm, client):
    account = AccountFactory(csm=csm)
    checklist = start_checklist(account, actor=csm)
    mine, theirs = checklist.steps.filter(kind=StepKind.MANUAL).order_by("position")[:2]
    mine.owner = other_csm
    mine.save()
    client.force_login(other_csm)
    assert client.post(f"/accounts/{account.pk}/steps/{mine.pk}/complete/", {}).status_code == 302
    assert client.post(f"/accounts/{account.pk}/steps/{mine.pk}/reopen/").status_code == 302
    assert client.post(f"/accounts/{account.pk}/steps/{theirs.pk}/complete/", {}).status_code == 403
    assert client.post(f"/accounts/{account.pk}/steps/{mine.pk}/assign/", {"owner": ""}).status_code == 403
    assert (
        client.post(f"/accounts/{account.pk}/steps/{mine.pk}/move/", {"direction": "up"}).status_code == 403
    )


def test_it_shows_read_only_visitors_the_checklist_without_buttons(csm, other_csm, client):
    account = AccountFactory(csm=csm)
    start_checklist(account, actor=csm)
    client.force_login(other_csm)
    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "Onboarding into support" in page and "You can read this checklist" in page
    assert "Mark done" not in page and "Start checklist" not in page and "Edit</summary>" not in page


def test_it_answers_404_for_a_step_of_another_account(csm, csm_client):
    mine = AccountFactory(csm=csm)
    other = start_checklist(AccountFactory(csm=csm), actor=csm)
    step = _manual(other)
    assert csm_client.post(f"/accounts/{mine.pk}/steps/{step.pk}/complete/", {}).status_code == 404


def test_it_refuses_a_get_on_an_action(csm, csm_client):
    account = AccountFactory(csm=csm)
    step = _manual(start_checklist(account, actor=csm))
    assert csm_client.get(f"/accounts/{account.pk}/steps/{step.pk}/complete/").status_code == 405


def test_it_answers_htmx_with_the_onboarding_section_and_the_trail(csm, csm_client):
    account = AccountFactory(csm=csm)
    step = _manual(start_checklist(account, actor=csm))
    response = csm_client.post(
        f"/accounts/{account.pk}/steps/{step.pk}/complete/",
        {"evidence": "https://x.example/1"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section id="onboarding"')
    assert '<section class="card" id="account-trail" aria-labelledby="trail-h" hx-swap-oob="true">' in body
    assert '<a class="stat" id="onboarding-stat" href="#onboarding" hx-swap-oob="true">' in body
    assert f"Done: “{step.title}”." in body
    assert '<a href="https://x.example/1"' in body  # the evidence link is clickable


def test_it_keeps_the_input_and_says_what_is_missing(csm, csm_client):
    account = AccountFactory(csm=csm)
    step = _manual(start_checklist(account, actor=csm))
    long = "x" * 2001
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = csm_client.post(f"/accounts/{account.pk}/steps/{step.pk}/skip/", {"reason": ""}, **headers)
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
        response = csm_client.post(
            f"/accounts/{account.pk}/steps/{step.pk}/complete/", {"evidence": long}, **headers
        )
        assert long in response.content.decode() and "at most 2000 characters" in response.content.decode()
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_it_says_why_an_automatic_step_cannot_be_ticked(csm, csm_client):
    account = AccountFactory(csm=csm)
    steps = start_checklist(account, actor=csm).steps
    auto = steps.filter(kind=StepKind.AUTOMATIC, status=StepStatus.PENDING).first()
    response = csm_client.post(f"/accounts/{account.pk}/steps/{auto.pk}/complete/", {}, follow=True)
    assert "verified automatically" in response.content.decode()
    assert ChecklistStep.objects.get(pk=auto.pk).status == StepStatus.PENDING


def test_it_escapes_what_people_type_into_steps(csm, csm_client):
    account = AccountFactory(csm=csm)
    checklist = start_checklist(account, actor=csm)
    checklist_step_add(checklist=checklist, actor=csm, title="<img src=x onerror=alert(1)>")
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert "<img src=x onerror" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
