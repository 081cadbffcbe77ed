"""Every page needs login, except the login flow, /healthz, static files and signed webhooks."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Portal routes reachable without login, each for a stated reason.
PUBLIC_ROUTES = {
    "healthz",  # load balancers and monitoring
    "zendesk_webhook",  # authenticated by its HMAC signature instead
    "zendesk_webhook_instance",  # the same, with that instance's secret
    "admin_login_redirect",  # sends to the portal's login
}


def iter_patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def concrete_path(route: str) -> str:
    """Turn a route like 'accounts/<int:pk>/' or a regex into a requestable path."""
    import re

    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<(?:str|slug):\w+>", "x", path)
    path = re.sub(r"<path:\w+>", "x/y", path)
    path = re.sub(r"<\w+>", "x", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = re.sub(r"\(\?:[^)]*\)\??", "", path)
    return "/" + path


def portal_patterns():
    for route, pattern in iter_patterns(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "")
        if module.startswith("allauth."):
            continue  # allauth marks its own login flow (login, reset, two-factor step) public
        if route.startswith("_errors/"):
            continue
        yield route, pattern


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route,pattern", list(portal_patterns()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_it_sends_anonymous_users_to_login(client, route, pattern):
    name = pattern.name or ""
    if name in PUBLIC_ROUTES:
        assert getattr(pattern.callback, "login_required", True) is False
        return
    if not route.startswith("admin/"):  # the admin's own public login is shadowed by our redirect
        assert getattr(pattern.callback, "login_required", True) is not False, f"{route} is marked public"
    path = concrete_path(route)
    response = client.get(path, follow=route.startswith("admin/"))  # admin: via its login redirect
    location = response.redirect_chain[-1][0] if route.startswith("admin/") else response["Location"]
    expected = "/auth/login/" if route == "admin/login/" else "/auth/login/?next="
    assert location.startswith(expected), f"{path} answered {response.status_code} {location}"


@pytest.mark.django_db
def test_it_sends_anonymous_users_from_the_admin_to_the_portal_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/auth/login/?next=")


@pytest.mark.django_db
def test_it_keeps_allauth_account_pages_behind_login(client):
    for path in ["/auth/2fa/", "/auth/password/change/", "/auth/2fa/totp/activate/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/"), path


@pytest.mark.django_db
def test_it_serves_health_without_login(client):
    assert client.get("/healthz").status_code in (200, 503)
