"""Every tickets page and POST by role: staff roles read (200), no role is refused (403),
anonymous users go to the login page; sending the education email is the account CSM's."""

import pytest

from tests.factories import AccountFactory, ContactFactory, OrganizationFactory, SupportUserFactory
from tests.factories.tickets import ReviewedTicketFactory
from tests.factories.users import UserFactory
from users.roles import Role

pytestmark = pytest.mark.django_db

ROLES = ["csm", "other_csm", "manager", "ops", "admin", "no_role"]
STAFF = {"csm", "other_csm", "manager", "ops", "admin"}


@pytest.fixture
def setup(persona):
    user, client = persona
    # The account belongs to the "csm" persona when that is who is asking, else to another CSM.
    owner = user if user is not None and user.name == "csm" else UserFactory(roles=[Role.CSM])
    account = AccountFactory(csm=owner)
    org = OrganizationFactory(account=account)
    ticket = ReviewedTicketFactory(requester=SupportUserFactory(organization=org))
    ContactFactory(account=account, email="robin@customer.example")
    return user, client, account, ticket


def pages(account, ticket):
    return {
        "dashboard": "/tickets/",
        "export": "/tickets/export.csv",
        "ticket": f"/tickets/{ticket.zd_id}/",
        "account review": f"/tickets/accounts/{account.pk}/review/",
        "education email": f"/tickets/accounts/{account.pk}/education-email/",
    }


@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
@pytest.mark.parametrize("name", ["dashboard", "export", "ticket", "account review", "education email"])
def test_it_allows_or_forbids_each_page_by_role(setup, name):
    user, client, account, ticket = setup
    response = client.get(pages(account, ticket)[name])
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name in STAFF:
        assert response.status_code == 200, f"{user.name} should see {name}"
    else:
        assert response.status_code == 403


# Who may send: the account's own CSM ("csm" owns the account in this setup) and admins.
SENDERS = {"csm", "admin"}


@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
def test_sending_the_education_email_by_role(setup, django_capture_on_commit_callbacks):
    from django.core import mail

    user, client, account, _ticket = setup
    data = {"to": "robin@customer.example", "subject": "Tips", "body": "Hello"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tickets/accounts/{account.pk}/education-email/", data)
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name in SENDERS:
        assert response.status_code == 302 and len(mail.outbox) == 1
    else:
        assert response.status_code == 403 and not mail.outbox


@pytest.mark.parametrize("persona", ["csm"], indirect=True)
@pytest.mark.parametrize("path", ["/tickets/", "/tickets/export.csv"])
def test_list_pages_refuse_posts(setup, path):
    _user, client, _account, _ticket = setup
    assert client.post(path).status_code == 405


@pytest.mark.parametrize("persona", ["csm"], indirect=True)
def test_the_email_form_needs_the_csrf_token(setup):
    from django.test import Client

    user, _client, account, _ticket = setup
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(
        f"/tickets/accounts/{account.pk}/education-email/", {"to": "robin@customer.example"}
    )
    assert response.status_code == 403
