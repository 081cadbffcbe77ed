"""People to invite: Salesforce CSMs without a portal login, invited in one click by an admin.
The invitation goes to the address Salesforce has; the person becomes CSM of their accounts
when they set their password from the emailed link (which proves the address), not before."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import Account, AccountEvent
from tests.factories import AccountFactory, OrganizationFactory, UserFactory
from tests.factories.accounts import SalesforceUserFactory
from users.models import User
from users.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    sf_user = SalesforceUserFactory(name="Jordan Newcomer", email="Jordan.Newcomer@company.example")
    AccountFactory(name="Globex", csm=None, csm_sf_user_id=sf_user.sf_id)
    AccountFactory(name="Initech", csm=None, csm_sf_user_id=sf_user.sf_id)
    return sf_user


def test_it_lists_salesforce_csms_without_a_login_with_their_accounts(
    admin_client_, newcomer, csm, django_assert_num_queries
):
    matched = SalesforceUserFactory(name="Casey Matched", email=csm.email, portal_user=csm)
    AccountFactory(name="Acme", csm=csm, csm_sf_user_id=matched.sf_id)
    SalesforceUserFactory(name="Not A Csm Anywhere")  # no account names them
    for n in range(3):
        other = SalesforceUserFactory(name=f"Other Person {n}")
        AccountFactory(csm=None, csm_sf_user_id=other.sf_id)
    admin_client_.get("/accounts/people-to-invite/")  # warm the session
    # session, user, roles, the admin's two-factor; Salesforce users, accounts, logins
    with django_assert_num_queries(7):
        response = admin_client_.get("/accounts/people-to-invite/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Jordan Newcomer" in page and "Jordan.Newcomer@company.example" in page
    assert "Globex" in page and "Initech" in page
    assert "Casey Matched" not in page and "Not A Csm Anywhere" not in page
    assert page.count("Invite as CSM") == 4


def test_one_click_invites_them_and_setting_the_password_makes_them_csm_of_their_accounts(
    admin_client_, client, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post("/accounts/people-to-invite/", {"sf_user": newcomer.pk})
    assert response.status_code == 302
    [invitation] = mail.outbox
    assert invitation.to == ["Jordan.Newcomer@company.example"]
    invitee = User.objects.get(email__iexact="jordan.newcomer@company.example")
    assert invitee.name == "Jordan Newcomer"
    assert list(invitee.groups.values_list("name", flat=True)) == [Role.CSM]
    # Invited is not proven: nothing is linked yet.
    assert set(Account.objects.values_list("csm", flat=True)) == {None}
    assert not EmailAddress.objects.filter(user=invitee, verified=True).exists()

    admin_client_.logout()
    link = re.search(r"http://testserver(/auth/password/reset/key/\S+)", invitation.body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(action, {"password1": "chosen-password-42", "password2": "chosen-password-42"})

    assert EmailAddress.objects.get(user=invitee).verified
    assert set(Account.objects.values_list("csm", flat=True)) == {invitee.pk}
    assert AccountEvent.objects.filter(verb="sync.csm_changed").count() == 2  # on each account's trail


def test_inviting_again_resends_to_the_login_that_has_not_set_a_password(
    admin_client_, newcomer, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client_.post("/accounts/people-to-invite/", {"sf_user": newcomer.pk})
    assert User.objects.filter(email__iexact=newcomer.email).count() == 1
    assert [m.to for m in mail.outbox] == [[newcomer.email]] * 2
    assert "Send the invitation again" in admin_client_.get("/accounts/people-to-invite/").content.decode()


def test_it_cannot_invite_someone_without_an_address_in_salesforce(admin_client_):
    sf_user = SalesforceUserFactory(name="No Address", email="")
    AccountFactory(csm=None, csm_sf_user_id=sf_user.sf_id)
    response = admin_client_.post("/accounts/people-to-invite/", {"sf_user": sf_user.pk})
    assert response.status_code == 200
    assert "has no email address in Salesforce" in response.content.decode()
    assert mail.outbox == [] and not User.objects.filter(name="No Address").exists()


@pytest.mark.parametrize("persona", ["csm", "manager", "ops"], indirect=True)
def test_only_admins_see_or_invite(persona, newcomer):
    _user, client = persona
    assert client.get("/accounts/people-to-invite/").status_code == 403
    assert client.post("/accounts/people-to-invite/", {"sf_user": newcomer.pk}).status_code == 403
    assert mail.outbox == []


def test_the_account_page_points_admins_to_people_to_invite(admin_client_, newcomer):
    account = Account.objects.get(name="Globex")
    OrganizationFactory(account=account)
    link = 'href="/accounts/people-to-invite/"'
    assert link in admin_client_.get(f"/accounts/{account.pk}/").content.decode()


def test_the_account_page_does_not_point_csms_there(csm_client, newcomer):
    account = Account.objects.get(name="Globex")
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert "has no portal login" in page
    assert 'href="/accounts/people-to-invite/"' not in page


def test_a_verified_login_at_the_address_is_not_invited_again(admin_client_, newcomer):
    UserFactory(email="jordan.newcomer@company.example")  # has proven it; the sync matches them
    response = admin_client_.post("/accounts/people-to-invite/", {"sf_user": newcomer.pk})
    assert "already has a portal login" in response.content.decode()
    assert mail.outbox == []


def test_the_team_pages_count_is_how_many_of_the_list_can_be_invited(newcomer, csm):
    """`people_to_invite_count` (one compiled query) counts what `people_to_invite` offers."""
    from accounts.selectors import people_to_invite, people_to_invite_count

    def named(**fields):
        sf_user = SalesforceUserFactory(**fields)
        AccountFactory(csm=None, csm_sf_user_id=sf_user.sf_id)
        return sf_user

    named(name="No Address", email="")
    named(name="Left", email="left@company.example", is_active=False)
    named(name="Proven", email="PROVEN@company.example")
    UserFactory(email="proven@company.example")  # a login that proved the address
    named(name="Unproven", email="unproven@company.example")
    UserFactory(email="Unproven@company.example", email_verified=False)  # invited, not proven
    named(name="Matched", email=csm.email, portal_user=csm)
    SalesforceUserFactory(name="Not A Csm Anywhere")
    expected = len([p for p in people_to_invite() if p.can_invite])
    assert expected == 2  # the newcomer and the unproven login's
    assert people_to_invite_count() == expected
