"""Who may see and do what with requests: each persona -> 200 / 403; anonymous -> login."""

import pytest

from supportops.models import RequestStatus
from tests.factories import AccountFactory, OpsRequestFactory, OrganizationFactory

ROLES = ["csm", "other_csm", "manager", "ops", "admin", "no_role", "anonymous"]


def setup_request(user, persona_name):
    """An account whose CSM is the persona when it is "csm", with one open request by that CSM."""
    from users.models import User

    owner = user if persona_name == "csm" else User.objects.create_user(email="owner@example.com")
    if persona_name != "csm":
        from django.contrib.auth.models import Group

        owner.groups.add(Group.objects.get_or_create(name="CSM")[0])
    account = AccountFactory(csm=owner)
    org = OrganizationFactory(account=account)
    return org, OpsRequestFactory(organization=org, requested_by=owner)


def expect(user, response, allowed):
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    else:
        assert response.status_code == (200 if allowed else 403), user.name


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_it_shows_a_request_to_its_csm_and_support_ops_only(persona):
    user, client = persona
    _org, item = setup_request(user, user.name if user else "anonymous")
    response = client.get(f"/requests/{item.pk}/")
    expect(user, response, user is not None and user.name in {"csm", "ops", "admin"})


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES, indirect=True)
@pytest.mark.parametrize("form", ["correction", "notes"])
def test_it_lets_only_the_accounts_csm_file_requests(persona, form):
    user, client = persona
    org, _item = setup_request(user, user.name if user else "anonymous")
    _item.status = RequestStatus.CANCELLED  # so a correction form isn't blocked by it
    _item.save()
    response = client.get(f"/requests/new/{form}/{org.pk}/")
    expect(user, response, user is not None and user.name in {"csm", "admin"})
    response = client.post(f"/requests/new/{form}/{org.pk}/", {})
    if user is not None and user.name in {"csm", "admin"}:
        assert response.status_code == 200  # allowed, but the empty form is refused
    else:
        expect(user, response, False)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES, indirect=True)
@pytest.mark.parametrize("action", ["claim", "done", "decline"])
def test_it_lets_only_support_ops_work_the_queue(persona, action):
    user, client = persona
    _org, item = setup_request(user, user.name if user else "anonymous")
    response = client.post(f"/requests/{item.pk}/{action}/", {"text": "Not ours to change."})
    if user is not None and user.name in {"ops", "admin"}:
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.status != RequestStatus.OPEN
    else:
        expect(user, response, False)
        item.refresh_from_db()
        assert item.status == RequestStatus.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_it_lets_only_the_requesting_side_cancel(persona):
    user, client = persona
    _org, item = setup_request(user, user.name if user else "anonymous")
    response = client.post(f"/requests/{item.pk}/cancel/")
    if user is not None and user.name in {"csm", "admin"}:
        assert response.status_code == 302
    else:
        expect(user, response, False)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_it_lets_only_people_on_the_request_comment(persona):
    user, client = persona
    _org, item = setup_request(user, user.name if user else "anonymous")
    response = client.post(f"/requests/{item.pk}/comment/", {"text": "Any news?"})
    if user is not None and user.name in {"csm", "ops", "admin"}:
        assert response.status_code == 302
    else:
        expect(user, response, False)
    assert item.events.filter(verb="commented").exists() == (user is not None and response.status_code == 302)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_it_opens_the_queue_and_its_export_to_every_role(persona):
    user, client = persona
    for path in ("/requests/", "/requests/export.csv"):
        expect(user, client.get(path), user is not None and user.name != "no_role")


@pytest.mark.django_db
def test_it_404s_for_a_request_that_does_not_exist(ops_client):
    assert ops_client.get("/requests/999999/").status_code == 404
    assert ops_client.post("/requests/999999/claim/").status_code == 404


@pytest.mark.django_db
def test_it_refuses_get_on_actions(ops_client):
    item = OpsRequestFactory()
    assert ops_client.get(f"/requests/{item.pk}/claim/").status_code == 405
