"""Fixtures shared by the whole suite: personas, logged-in clients, service checks, no network."""

import importlib.util
import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from tests import network_guard
from tests.two_factor import give_totp_if_admin
from users.roles import Role

pytest_plugins = ["sandbox.testing"] if importlib.util.find_spec("sandbox.testing") else []

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
_service_skips: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    network_guard.install()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API + Django ORM


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}",
        f"redis for service tests: {settings.TEST_REDIS_URL or 'none'}",
        f"services required: {'yes' if REQUIRE_SERVICES else 'no (service tests skip when absent)'}",
    ]


def _service_missing(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        return "PostgreSQL is not configured (set DATABASE_URL or start it on 127.0.0.1:5432)"
    if item.get_closest_marker("redis") and not settings.TEST_REDIS_URL:
        return "Redis is not reachable (set REDIS_URL or start it on 127.0.0.1:6379)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _service_missing(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    _service_skips.append(item.nodeid)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "is not " in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep(
            "!", f"{len(skipped)} service-backed tests SKIPPED: PostgreSQL/Redis not reachable", red=True
        )


def _make_user(email: str, name: str, *roles: str, **extra: object):
    from allauth.account.models import EmailAddress

    from users.models import User

    user = User.objects.create_user(email=email, password="test-password-123", name=name, **extra)
    # A user who has used the portal: their own address is proven (matching needs it).
    EmailAddress.objects.create(user=user, email=email.lower(), primary=True, verified=True)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])  # transactional tests flush groups
    give_totp_if_admin(user)  # admins must have two-factor (users.two_factor)
    return user


@pytest.fixture
def csm(db):
    return _make_user("csm@example.com", "Casey CSM", Role.CSM)


@pytest.fixture
def other_csm(db):
    return _make_user("other.csm@example.com", "Other CSM", Role.CSM)


@pytest.fixture
def manager(db):
    return _make_user("manager@example.com", "Support Manager", Role.SUPPORT_MANAGER)


@pytest.fixture
def ops(db):
    return _make_user("ops@example.com", "Support Ops", Role.SUPPORT_OPS)


@pytest.fixture
def admin_user(db):
    return _make_user("admin@example.com", "Portal Admin", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def no_role_user(db):
    return _make_user("nobody@example.com", "No Role")


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def csm_client(client, csm):
    return _client_for(client, csm)


@pytest.fixture
def manager_client(client, manager):
    return _client_for(client, manager)


@pytest.fixture
def ops_client(client, ops):
    return _client_for(client, ops)


@pytest.fixture
def admin_client_(client, admin_user):
    return _client_for(client, admin_user)


@pytest.fixture
def persona(request, db):
    """Parametrize with a role name (or "anonymous"/"no_role") to get (user, client)."""
    from django.test import Client

    name = request.param
    client = Client()
    if name == "anonymous":
        return None, client
    factories = {
        "csm": ("persona.csm@example.com", Role.CSM),
        "other_csm": ("persona.other@example.com", Role.CSM),
        "manager": ("persona.manager@example.com", Role.SUPPORT_MANAGER),
        "ops": ("persona.ops@example.com", Role.SUPPORT_OPS),
        "admin": ("persona.admin@example.com", Role.ADMIN),
        "no_role": ("persona.none@example.com", None),
    }
    email, role = factories[name]
    roles = (role,) if role else ()
    user = _make_user(email, name, *roles, is_staff=name == "admin", is_superuser=name == "admin")
    client.force_login(user)
    return user, client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and other cached state never leak from one test to the next."""
    from django.core.cache import cache

    from integrations import mapping

    cache.clear()
    mapping.forget()  # the field mapping's in-process memo too
    yield
    cache.clear()
    mapping.forget()
