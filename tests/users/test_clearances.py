"""Admins clear people for a restricted Zendesk instance on the Team page (and in the Django
admin): granted and revoked, audited like roles; the control shows only where such an instance
is configured, and only admins may use it."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from csmportal.instances import visible_keys
from tests.instances.restricted import USGOV, restrict
from users.models import Clearance
from users.team import clearance_grant, clearance_revoke

pytestmark = pytest.mark.django_db


def test_the_team_page_has_no_instance_control_while_no_instance_is_restricted(admin_client_, csm):
    page = admin_client_.get("/team/").content.decode()
    assert "Zendesk instances" not in page and "/clearances/" not in page


def test_an_admin_grants_and_revokes_a_clearance_on_the_team_page_and_both_are_audited(
    settings, admin_client_, admin_user, csm
):
    restrict(settings)
    page = admin_client_.get("/team/").content.decode()
    assert "Zendesk instances" in page and f"Clear {csm} for US Government" in page

    response = admin_client_.post(
        f"/team/{csm.pk}/clearances/", {"instance": USGOV, "change": "grant"}, follow=True
    )
    assert f"{csm} is cleared for US Government now" in response.content.decode()
    clearance = Clearance.objects.get(user=csm, instance=USGOV)
    assert clearance.granted_by == admin_user
    assert USGOV in visible_keys(type(csm).objects.get(pk=csm.pk))
    assert f"Revoke the clearance for US Government from {csm}" in response.content.decode()

    response = admin_client_.post(
        f"/team/{csm.pk}/clearances/", {"instance": USGOV, "change": "revoke"}, follow=True
    )
    assert f"{csm} is no longer cleared for US Government" in response.content.decode()
    assert not Clearance.objects.filter(user=csm).exists()
    lines = LogEntry.objects.filter(object_id=str(csm.pk), user=admin_user).values_list(
        "change_message", flat=True
    )
    assert set(lines) == {
        "Cleared for the Zendesk instance US Government (usgov).",
        "Clearance for the Zendesk instance US Government (usgov) revoked.",
    }
    assert "Cleared for the Zendesk instance US Government" in admin_client_.get("/team/").content.decode()


def test_only_admins_clear_people_and_only_for_a_restricted_instance(
    settings, client, admin_user, manager, csm
):
    restrict(settings)
    client.force_login(manager)
    assert (
        client.post(f"/team/{csm.pk}/clearances/", {"instance": USGOV, "change": "grant"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        clearance_grant(user=csm, instance=USGOV, by=manager)
    for key in ("global", "nowhere"):
        with pytest.raises(ValidationError, match="Unknown Zendesk instance"):
            clearance_grant(user=csm, instance=key, by=admin_user)
    assert not Clearance.objects.exists() and not LogEntry.objects.exists()
    assert clearance_grant(user=csm, instance=USGOV, by=admin_user)
    assert not clearance_grant(user=csm, instance=USGOV, by=admin_user)  # once, audited once
    assert clearance_revoke(user=csm, instance=USGOV, by=admin_user)
    assert not clearance_revoke(user=csm, instance=USGOV, by=admin_user)
    assert LogEntry.objects.count() == 2


def test_the_django_admin_lists_and_adds_clearances_for_restricted_instances(settings, admin_client_, csm):
    restrict(settings)
    response = admin_client_.post("/admin/users/clearance/add/", {"user": csm.pk, "instance": "global"})
    assert response.status_code == 200 and not Clearance.objects.exists()  # not a restricted instance
    response = admin_client_.post("/admin/users/clearance/add/", {"user": csm.pk, "instance": USGOV})
    assert response.status_code == 302
    assert Clearance.objects.get(user=csm).granted_by is not None
    assert str(csm) in admin_client_.get("/admin/users/clearance/").content.decode()
