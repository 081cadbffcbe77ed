"""seed_demo: one login per role, and with --activity some work for every role's home page."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import override_settings

from feedback.models import Feedback, FeedbackStatus, RotationWeek
from feedback.rotation import current_week_start
from supportops.models import OpsRequest, RequestKind
from tests.factories import AccountFactory, OrganizationFactory, RatingFactory, TicketFactory
from tests.instances.restricted import USGOV_SETTINGS
from users.models import User
from users.roles import Role, user_roles

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False, DEMO=False)
def test_it_refuses_outside_debug_or_demo_mode():
    with pytest.raises(CommandError, match="only created when DEBUG or DEMO"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEMO=True)
def test_it_creates_one_login_per_role_and_is_repeatable(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo-portal-pass" in out
    roles = {u.email: user_roles(u) for u in User.objects.all()}
    assert roles["csm@example.com"] == {Role.CSM}
    assert roles["manager@example.com"] == {Role.SUPPORT_MANAGER}
    assert roles["ops@example.com"] == {Role.SUPPORT_OPS}
    assert Role.ADMIN in roles["admin@example.com"]
    assert User.objects.get(email="csm@example.com").check_password("demo-portal-pass")


@override_settings(DEMO=True)
def test_it_files_demo_work_once_after_the_sync(django_capture_on_commit_callbacks):
    call_command("seed_demo")
    csm = User.objects.get(email="csm@example.com")
    account = AccountFactory(csm=csm)
    OrganizationFactory(account=account, am_project_id="")
    OrganizationFactory(account=account, name="Second org")
    tickets = [TicketFactory(requester__organization__account=account) for _ in range(3)]
    RatingFactory(ticket=tickets[0], score="bad", comment="Nobody answered for two days.")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--activity")
    manager = User.objects.get(email="manager@example.com")
    assert RotationWeek.objects.get(week_start=current_week_start()).manager == manager
    items = Feedback.objects.filter(forwarded_by=csm)
    assert items.count() == 3
    assert items.filter(status=FeedbackStatus.TRIAGED, reviewing_manager=manager).count() == 1
    assert set(OpsRequest.objects.values_list("kind", flat=True)) == {
        RequestKind.AM_PROJECT_ID,
        RequestKind.ORG_NOTES,
    }

    call_command("seed_demo", "--activity")
    assert Feedback.objects.count() == 3 and OpsRequest.objects.count() == 2


@override_settings(DEMO=True)
def test_it_only_sets_the_rotation_before_the_first_sync(capsys):
    call_command("seed_demo", "--activity")
    assert RotationWeek.objects.count() == 2
    assert not Feedback.objects.exists()
    assert "No synced accounts" in capsys.readouterr().out


@override_settings(DEMO=True)
def test_the_demo_admin_logs_in_with_the_printed_two_factor_code(client, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # repeatable: still one authenticator
    assert "make demo-code" in capsys.readouterr().out
    admin = User.objects.get(email="admin@example.com")
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).count() == 1

    response = client.post("/auth/login/", {"login": admin.email, "password": "demo-portal-pass"})
    assert response["Location"] == "/auth/2fa/authenticate/"
    call_command("demo_totp_code")
    code = capsys.readouterr().out.split()[0]
    response = client.post("/auth/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200  # not sent to set two-factor up


@override_settings(DEBUG=False, DEMO=False)
def test_the_demo_code_is_only_given_in_demo_mode():
    with pytest.raises(CommandError, match="only given when DEBUG or DEMO"):
        call_command("demo_totp_code")


@override_settings(DEMO=True, ZENDESK_EXTRA_INSTANCES=USGOV_SETTINGS)
def test_with_a_restricted_instance_the_demo_csm_is_cleared_for_it_and_the_second_csm_is_not(capsys):
    from csmportal.instances import visible_keys

    call_command("seed_demo")
    call_command("seed_demo")
    assert "csm@example.com  (cleared for US Government)" in capsys.readouterr().out
    assert visible_keys(User.objects.get(email="csm@example.com")) == {"global", "usgov"}
    assert visible_keys(User.objects.get(email="csm2@example.com")) == {"global"}


@override_settings(DEMO=True)
def test_with_one_instance_nobody_is_cleared_and_the_listing_is_as_before(capsys):
    call_command("seed_demo")
    assert "cleared for" not in capsys.readouterr().out
