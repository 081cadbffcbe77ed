"""Every route of the portal x every persona x GET and POST answers as `matrix.EXPECTED` says.

The routes come from the resolver, so a new route without an entry in the table fails here
until someone writes down who may use it. POSTs carry valid data; each persona's request runs
in a transaction that is rolled back, so one persona's change never decides the next one's
answer. A refused POST must change nothing (no audit line, no history event, no new item).
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client

from accounts.models import AccountEvent
from feedback.models import Feedback, FeedbackEvent
from supportops.models import OpsRequest, RequestEvent
from tests.hardening.matrix import EXPECTED, PERSONA_COLUMNS, post_data
from tests.hardening.routes import all_routes, concrete_path, is_admin_route
from tests.hardening.world import build_world

pytestmark = pytest.mark.django_db

PORTAL_ROUTES = sorted({route for route, _ in all_routes() if not is_admin_route(route)})
ADMIN_ROUTES = [(route, pattern) for route, pattern in all_routes() if is_admin_route(route)]
LOGIN_PREFIXES = ("/auth/login/", "/admin/login/")


def outcome(response) -> str:
    if response.status_code in (301, 302, 303) and response["Location"].startswith(LOGIN_PREFIXES):
        return "login"
    if 200 <= response.status_code < 400:
        return "ok"
    return str(response.status_code)


def client_for(world, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


def footprint() -> tuple[int, ...]:
    """What any change leaves behind: audit lines, history events, new items."""
    return (
        AccountEvent.objects.count(),
        FeedbackEvent.objects.count(),
        RequestEvent.objects.count(),
        Feedback.objects.count(),
        OpsRequest.objects.count(),
    )


def test_it_has_an_expected_answer_for_every_route():
    missing = [route for route in PORTAL_ROUTES if route not in EXPECTED]
    stale = [route for route in EXPECTED if route not in PORTAL_ROUTES]
    assert not missing, f"routes without an entry in tests/hardening/matrix.py: {missing}"
    assert not stale, f"entries for routes that no longer exist: {stale}"
    for route, (get, post) in EXPECTED.items():
        assert len(get.split()) == len(post.split()) == len(PERSONA_COLUMNS), route


@pytest.mark.parametrize("route", PORTAL_ROUTES)
def test_it_answers_each_persona_as_the_matrix_says(route):
    if route not in EXPECTED:
        pytest.fail(f"{route} has no entry in tests/hardening/matrix.py")
    world = build_world()
    path = concrete_path(route, world)
    data = post_data(route, world)
    wrong = []
    for method, expected_row in zip(("GET", "POST"), EXPECTED[route], strict=True):
        for persona, expected in zip(PERSONA_COLUMNS, expected_row.split(), strict=True):
            with transaction.atomic():
                before = footprint()
                client = client_for(world, persona)
                response = client.get(path) if method == "GET" else client.post(path, data)
                got = outcome(response)
                changed = footprint() != before
                transaction.set_rollback(True)
            if got != expected:
                wrong.append(f"{method} {path} as {persona}: expected {expected}, got {got}")
            if method == "POST" and got != "ok" and changed and route != "auth/login/":
                wrong.append(f"POST {path} as {persona} was refused ({got}) but changed data")
    assert not wrong, "\n".join(wrong)


def _admin_path(route: str, pattern, world) -> tuple[str, bool]:
    """A real object for the admin's object pages (the first row of the model), else 1; and
    whether the page is one that must answer 200 (the index, a list, a real object's form)."""
    object_id = ""
    match = re.match(r"(\w+?)_(\w+)_(change|delete|history)$", pattern.name or "")
    if match:
        for app_label in (match.group(1), match.group(1).split("_")[0]):
            try:
                model = apps.get_model(app_label, match.group(2))
            except LookupError:
                continue
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            object_id = str(first) if first is not None else ""
            break
    name = pattern.name or ""
    must_answer = (
        route == "admin/" or name.endswith("_changelist") or (name.endswith("_change") and object_id)
    )
    path = re.sub(r"<path:object_id>", object_id or "1", route)
    path = path.replace("<id>", str(world.users["admin"].pk))  # the user admin's password page
    path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", path).replace("^", "").replace("$", "")
    return "/" + path, bool(must_answer)


def test_it_keeps_every_admin_page_to_admins():
    """Everyone but admins is sent to the login (the admin's login is the portal's); admins get
    every admin page, on real objects, without a server error."""
    world = build_world()
    wrong = []
    clients = {persona: client_for(world, persona) for persona in PERSONA_COLUMNS}
    for route, pattern in ADMIN_ROUTES:
        path, must_answer = _admin_path(route, pattern, world)
        for persona, client in clients.items():
            if persona == "admin":
                response = client.get(path)
                if response.status_code >= 500 or outcome(response) == "login":
                    wrong.append(f"GET {path} as admin: {response.status_code}")
                if must_answer and response.status_code != 200:
                    wrong.append(f"GET {path} as admin: {response.status_code}, expected 200")
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                if route == "admin/logout/":  # sends whoever is not staff to the admin's index (login)
                    if outcome(response) != "login" and response.get("Location") != "/admin/":
                        wrong.append(f"{method.upper()} {path} as {persona}: {response.status_code}")
                elif outcome(response) != "login":
                    wrong.append(f"{method.upper()} {path} as {persona}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
