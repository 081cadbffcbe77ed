"""CSRF is enforced on every POST the portal accepts: without the token, 403 and nothing changes;
with it, the same request goes through. The Zendesk webhook is the one exemption (it is
authenticated by its HMAC signature instead)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tests.hardening.matrix import EXPECTED, PERSONA_COLUMNS, post_data
from tests.hardening.routes import all_routes, concrete_path, is_admin_route
from tests.hardening.test_access_matrix import footprint
from tests.hardening.world import build_world

pytestmark = pytest.mark.django_db

SIGNED_INSTEAD = {"webhooks/zendesk/"}


def _posting_persona(route: str) -> str | None:
    """The first persona whose POST on the route is accepted (None: no one posts there)."""
    for persona, expected in zip(PERSONA_COLUMNS, EXPECTED[route][1].split(), strict=True):
        if expected == "ok":
            return persona
    return None


POST_ROUTES = sorted(
    route
    for route, _ in all_routes()
    if not is_admin_route(route)
    and route in EXPECTED
    and _posting_persona(route)
    and route not in SIGNED_INSTEAD
)


def _client(world, persona: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


def test_every_state_changing_route_is_in_the_csrf_sweep():
    """Guard against the sweep quietly covering nothing."""
    assert len(POST_ROUTES) > 40
    for route in ("accounts/<int:pk>/steps/<int:step_pk>/complete/", "feedback/forward/", "sync/run/"):
        assert route in POST_ROUTES


@pytest.mark.parametrize("route", POST_ROUTES)
def test_it_refuses_a_post_without_the_csrf_token(route):
    world = build_world()
    persona = _posting_persona(route)
    path = concrete_path(route, world)
    data = post_data(route, world)
    with transaction.atomic():
        before = footprint()
        response = _client(world, persona).post(path, data)
        assert response.status_code == 403, f"{path} as {persona} without a token: {response.status_code}"
        assert b"CSRF" in response.content or b"csrf" in response.content.lower()
        assert footprint() == before
        transaction.set_rollback(True)
    # The same request with the token is not refused for CSRF (so the 403 above was CSRF's).
    with transaction.atomic():
        client = _client(world, persona)
        token = _get_new_csrf_string()
        client.cookies["csrftoken"] = token
        response = client.post(path, data, HTTP_X_CSRFTOKEN=token)
        assert response.status_code != 403, f"{path} as {persona} with a token: 403"
        transaction.set_rollback(True)


def test_the_admin_refuses_a_post_without_the_csrf_token():
    world = build_world()
    client = _client(world, "admin")
    response = client.post("/admin/accounts/emailtemplate/add/", {"key": "x", "subject": "s", "body": "b"})
    assert response.status_code == 403


def test_the_webhook_is_exempt_but_refuses_an_unsigned_delivery():
    world = build_world()
    for persona in ("anonymous", "admin"):
        response = _client(world, persona).post(
            "/webhooks/zendesk/", b'{"ticket_id": 1}', content_type="application/json"
        )
        assert response.status_code == 401
