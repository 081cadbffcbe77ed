"""What a CSM may do on their own account, on a colleague's, and on an account with no CSM.

One table, read across apps (accounts, contacts, tickets, feedback, supportops,
notifications): reading is open to every role; changing an account's onboarding and writing
to its customer is for its CSM (any CSM while it has none) and admins; forwarding feedback is
open to every CSM on any account; asking support ops to change an org follows the onboarding
rule (the account's CSM, any CSM while it has none, admins); confirming that an organization
belongs to the account (so its people get the account's emails) is for its CSM and admins only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from accounts.checklist_models import StepKind, StepStatus
from accounts.models import AccountEvent
from tests.hardening.world import World, build_world

pytestmark = pytest.mark.django_db

RELATIONS = ["own", "colleague's", "unassigned"]

# action: (own, colleague's, unassigned) for a CSM; "ok" = allowed, "403" = refused
RULES: dict[str, tuple[str, str, str]] = {
    "read the account page": ("ok", "ok", "ok"),
    "read the audit trail": ("ok", "ok", "ok"),
    "read the support contacts": ("ok", "ok", "ok"),
    "read the ticket review": ("ok", "ok", "ok"),
    "read the cadence page": ("ok", "ok", "ok"),
    "draft the education email": ("ok", "ok", "ok"),
    "start a checklist": ("ok", "403", "ok"),
    "re-check the checklist": ("ok", "403", "ok"),
    "add a step": ("ok", "403", "ok"),
    "complete a step": ("ok", "403", "ok"),
    "skip a step": ("ok", "403", "ok"),
    "send a step's email": ("ok", "403", "ok"),
    "send the education email": ("ok", "403", "ok"),
    "forward feedback": ("ok", "ok", "ok"),
    "follow or mute the account": ("ok", "ok", "ok"),
    "ask support ops to correct the AM ID": ("ok", "403", "ok"),
    "ask support ops for org notes": ("ok", "403", "ok"),
    # Who gets the account's emails: its CSM and admins only, even while it has no CSM.
    "confirm an organization's link": ("ok", "403", "403"),
}

# Actions that must leave a line in the account's audit trail when allowed (and none when not).
AUDITED = {
    "start a checklist",
    "add a step",
    "complete a step",
    "skip a step",
    "send a step's email",
    "send the education email",
    "forward feedback",
    "ask support ops to correct the AM ID",
    "ask support ops for org notes",
    "confirm an organization's link",
}


def _request(world: World, relation: str) -> tuple[str, Any, Any, Any]:
    """(persona, account, its checklist, its org) for a relation."""
    if relation == "own":
        return "csm", world.account, world.checklist, world.spare_org
    if relation == "colleague's":
        return "other_csm", world.account, world.checklist, world.spare_org
    return "csm", world.unassigned, world.unassigned_checklist, world.unassigned_org


def _action(world: World, name: str, account, checklist, org) -> tuple[str, str, dict[str, Any]]:
    a = f"/accounts/{account.pk}"
    manual = (
        checklist.steps.filter(kind=StepKind.MANUAL, status=StepStatus.PENDING).order_by("position").first()
    )
    email_step = checklist.steps.get(kind=StepKind.EMAIL)
    project = {"am_project_id": "4242", "project_url": "https://gitlab.com/acme/collaboration"}
    return {
        "read the account page": ("get", f"{a}/", {}),
        "read the audit trail": ("get", f"{a}/history/", {}),
        "read the support contacts": ("get", f"/contacts/account/{account.pk}/", {}),
        "read the ticket review": ("get", f"/tickets/accounts/{account.pk}/review/", {}),
        "read the cadence page": ("get", f"/feedback/accounts/{account.pk}/cadence/", {}),
        "draft the education email": ("get", f"/tickets/accounts/{account.pk}/education-email/", {}),
        "start a checklist": (
            "post",
            f"{a}/checklists/start/",
            {"template": world.extra["older_template_pk"]},
        ),
        "re-check the checklist": ("post", f"{a}/checklists/recheck/", {}),
        "add a step": ("post", f"{a}/checklists/{checklist.pk}/steps/add/", {"title": "Call them"}),
        "complete a step": ("post", f"{a}/steps/{manual.pk}/complete/", {"evidence": "in the call"}),
        "skip a step": ("post", f"{a}/steps/{manual.pk}/skip/", {"reason": "not needed"}),
        "send a step's email": (
            "post",
            f"{a}/steps/{email_step.pk}/email/",
            {"to": account.sold_to_email, "subject": "Contacts", "body": "Hello"},
        ),
        "send the education email": (
            "post",
            f"/tickets/accounts/{account.pk}/education-email/",
            {"to": account.sold_to_email, "subject": "Tips", "body": "Hello"},
        ),
        "forward feedback": (
            "post",
            "/feedback/forward/",
            {"account": account.pk, "sentiment": "neutral", "channel": "call", "customer_words": "Fine."},
        ),
        "follow or mute the account": (
            "post",
            f"/notifications/accounts/{account.pk}/watch/",
            {"action": "mute", "confirm": "yes"} if account.csm_id else {"action": "follow"},
        ),
        "ask support ops to correct the AM ID": ("post", f"/requests/new/correction/{org.pk}/", project),
        "ask support ops for org notes": (
            "post",
            f"/requests/new/notes/{org.pk}/",
            {"notes": "Escalations go to the platform team lead."},
        ),
        "confirm an organization's link": ("post", f"{a}/organizations/{org.pk}/confirm-link/", {}),
    }[name]


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("name", list(RULES))
def test_it_applies_the_object_rules_for_a_csm(name, relation):
    world = build_world()
    persona, account, checklist, org = _request(world, relation)
    method, path, data = _action(world, name, account, checklist, org)
    expected = RULES[name][RELATIONS.index(relation)]
    client = Client()
    client.force_login(world.users[persona])
    with transaction.atomic():
        trail = AccountEvent.objects.filter(account=account).count()
        response = getattr(client, method)(path, data)
        added = AccountEvent.objects.filter(account=account).count() - trail
        transaction.set_rollback(True)
    if expected == "ok":
        assert response.status_code in (200, 302), (
            f"{persona} may {name} ({relation}): {response.status_code}"
        )
        assert "/auth/login/" not in response.get("Location", "")
        if name in AUDITED:
            assert added >= 1, f"{name} ({relation}) left no line in the audit trail"
    else:
        assert response.status_code == 403, f"{persona} may not {name} ({relation}): {response.status_code}"
        assert added == 0


def test_a_steps_owner_may_work_that_step_only():
    """A colleague covering one step (its owner) completes it, but changes nothing else."""
    world = build_world()
    colleague = world.users["other_csm"]
    step = world.manual_step
    step.owner = colleague
    step.save(update_fields=["owner"])
    other_step = world.checklist.steps.filter(kind=StepKind.MANUAL).exclude(pk=step.pk).first()
    client = Client()
    client.force_login(colleague)
    base = f"/accounts/{world.account.pk}"
    assert client.post(f"{base}/steps/{step.pk}/complete/", {"evidence": "covered"}).status_code == 302
    step.refresh_from_db()
    assert step.status == "done" and step.completed_by == colleague
    assert client.post(f"{base}/steps/{other_step.pk}/complete/", {}).status_code == 403
    assert (
        client.post(f"{base}/checklists/{world.checklist.pk}/steps/add/", {"title": "x"}).status_code == 403
    )
    assert client.post(f"{base}/steps/{step.pk}/move/", {"direction": "down"}).status_code == 403


def test_a_csm_cannot_reach_an_object_through_another_accounts_url():
    """Object ids are checked against the account in the URL: a step, checklist or email of one
    account is a 404 under another account's URL, even for someone who may change both."""
    world = build_world()
    client = Client()
    client.force_login(world.users["admin"])
    other = world.unassigned
    assert client.post(f"/accounts/{other.pk}/steps/{world.manual_step.pk}/complete/", {}).status_code == 404
    assert (
        client.post(
            f"/accounts/{other.pk}/checklists/{world.checklist.pk}/steps/add/", {"title": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/accounts/{other.pk}/emails/{world.email.pk}/").status_code == 404
    world.manual_step.refresh_from_db()
    assert world.manual_step.status == StepStatus.PENDING


def test_nobody_reads_someone_elses_notification_or_their_items():
    world = build_world()
    for persona in ("other_csm", "manager", "ops"):
        client = Client()
        client.force_login(world.users[persona])
        assert client.get(f"/notifications/{world.notification.pk}/").status_code == 404
        assert client.post(f"/notifications/{world.notification.pk}/read/").status_code == 404
    world.notification.refresh_from_db()
    assert world.notification.read_at is None
    client = Client()
    client.force_login(world.users["other_csm"])
    assert client.get(f"/feedback/{world.feedback.pk}/").status_code == 403
    assert client.get(f"/requests/{world.request.pk}/").status_code == 403
    listed = client.get("/requests/").context["page"].object_list
    assert world.request not in list(listed)
