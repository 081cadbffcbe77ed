"""The access matrix with a restricted Zendesk instance (docs/instances.md, Access).

The hardening world gets a twin in the restricted instance ``usgov``: an organization, a user,
the same ticket number and one more ticket, a comment and a rating on the same account, all
carrying a mark. The account's CSM (and an admin) not cleared for ``usgov``: every page answers
as the matrix says and none shows the mark; the restricted ticket's page and a restricted
organization's form are 404s (not 403s) that change nothing. Once cleared, the same pages
answer the same and the restricted rows appear.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import AccountEvent
from tests.factories import (
    CommentFactory,
    OrganizationFactory,
    RatingFactory,
    SupportUserFactory,
    TicketFactory,
)
from tests.hardening.matrix import EXPECTED, PERSONA_COLUMNS
from tests.hardening.routes import all_routes, concrete_path, is_admin_route
from tests.hardening.test_access_matrix import outcome
from tests.hardening.world import World, build_world
from tests.instances.restricted import USGOV, clear, restrict

pytestmark = pytest.mark.django_db

MARK = "Enclave-7"  # on every restricted row, on no other
# Pages swept for the mark but allowed to show it (none: every page applies the rule).
ELSEWHERE: set[str] = set()
SWEPT = sorted(
    route
    for route, _ in all_routes()
    if not is_admin_route(route) and not route.startswith(("auth/", "admin/")) and route in EXPECTED
)


def restricted_twin(world: World) -> dict:
    org = OrganizationFactory(
        account=world.account,
        zd_id=world.org.zd_id,
        zd_instance=USGOV,
        name=f"Acme Robotics {MARK}",
        domain_names=["acme.example"],
    )
    person = SupportUserFactory(
        zd_id=world.ticket.requester.zd_id,
        zd_instance=USGOV,
        organization=org,
        email="enclave7@acme.example",
        name=f"Pat {MARK}",
    )
    twin = TicketFactory(
        zd_id=world.ticket.zd_id, zd_instance=USGOV, requester=person, subject=f"{MARK} registry down"
    )
    only = TicketFactory(zd_instance=USGOV, requester=person, subject=f"{MARK} audit export")
    CommentFactory(ticket=twin, zd_instance=USGOV, body=f"{MARK} logs")
    rating = RatingFactory(ticket=twin, zd_instance=USGOV, score="bad", comment=f"{MARK} was slow")
    return {"org": org, "twin": twin, "only": only, "rating": rating}


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def sweep(world: World, persona: str) -> tuple[list[str], set[str]]:
    """GET every portal page as `persona`: the answers that differ from the matrix, and the
    routes whose page shows the mark."""
    client = Client()
    client.force_login(world.users[persona])
    column = PERSONA_COLUMNS.index(persona)
    wrong, marked = [], set()
    for route in SWEPT:
        path = concrete_path(route, world)
        response = client.get(path)
        expected = EXPECTED[route][0].split()[column]
        if outcome(response) != expected:
            wrong.append(f"GET {path} as {persona}: expected {expected}, got {outcome(response)}")
        if MARK in body_of(response):
            marked.add(route)
    return wrong, marked


@pytest.mark.parametrize("persona", ["csm", "admin"])
def test_an_uncleared_person_sees_no_restricted_row_on_any_page(settings, persona):
    restrict(settings)
    world = build_world()
    restricted_twin(world)
    wrong, marked = sweep(world, persona)
    assert not wrong, "\n".join(wrong)
    assert not (marked - ELSEWHERE), f"restricted rows shown to {persona} on {sorted(marked - ELSEWHERE)}"


def test_a_cleared_person_gets_the_same_answers_and_sees_the_restricted_rows(settings):
    restrict(settings)
    world = build_world()
    restricted_twin(world)
    clear(world.users["csm"])
    wrong, marked = sweep(world, "csm")
    assert not wrong, "\n".join(wrong)
    for route in ("tickets/", "tickets/export.csv", "accounts/<int:pk>/", "contacts/account/<int:pk>/"):
        assert route in marked, f"{route}: the cleared CSM does not see the restricted rows"


@pytest.mark.parametrize("persona", ["csm", "admin", "manager"])
@pytest.mark.parametrize("cleared", [False, True], ids=["uncleared", "cleared"])
def test_restricted_objects_do_not_exist_for_the_uncleared(settings, persona, cleared):
    restrict(settings)
    world = build_world()
    rows = restricted_twin(world)
    user = world.users[persona]
    if cleared:
        clear(user)
    client = Client()
    client.force_login(user)
    answers = {
        "ticket page": client.get(rows["only"].get_absolute_url()).status_code,
        "instance named": client.get(f"/tickets/{USGOV}/{rows['twin'].zd_id}/").status_code,
        "portal id": client.get(f"/tickets/id/{rows['only'].pk}/").status_code,
    }
    expected = {"ticket page": 200, "instance named": 200, "portal id": 301}
    assert answers == (expected if cleared else dict.fromkeys(expected, 404))


@pytest.mark.parametrize("cleared", [False, True], ids=["uncleared", "cleared"])
def test_confirming_a_restricted_org_is_a_404_that_changes_nothing(settings, cleared):
    restrict(settings)
    world = build_world()
    org = restricted_twin(world)["org"]
    csm = world.users["csm"]
    if cleared:
        clear(csm)
    client = Client()
    client.force_login(csm)
    with transaction.atomic():
        before = AccountEvent.objects.count()
        response = client.post(f"/accounts/{world.account.pk}/organizations/{org.pk}/confirm-link/")
        changed = AccountEvent.objects.count() != before
        transaction.set_rollback(True)
    if cleared:
        assert outcome(response) == "ok" and changed
    else:
        assert response.status_code == 404 and not changed
