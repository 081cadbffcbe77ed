"""Every URL pattern of the portal, read from the resolver, and how to make a real path of it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from tests.hardening.world import World


def iter_patterns(entries, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in entries:
        if isinstance(entry, URLResolver):
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def all_routes() -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every URL the portal answers, the admin's and allauth's included."""
    return [(r, p) for r, p in iter_patterns(get_resolver().url_patterns) if not r.startswith("_errors/")]


def is_admin_route(route: str) -> bool:
    return route.startswith("admin/") and route != "admin/login/"


def _value(route: str, name: str, world: World) -> str:
    """A real object's id for each parameter, chosen by the route it appears in."""
    if name == "pk":
        if route.startswith(("accounts/", "contacts/", "feedback/accounts/")):
            return str(world.account.pk)
        if route.startswith("tickets/"):
            return str(world.ticket.pk)
        if route.startswith("feedback/ratings/"):
            return str(world.rating.pk)
        if route.startswith("feedback/"):
            return str(world.feedback.pk)
        if route.startswith("notifications/outbox/"):
            return str(world.outbox.pk)
        if route.startswith("notifications/"):
            return str(world.notification.pk)
        if route.startswith("requests/"):
            return str(world.request.pk)
        if route.startswith("team/"):
            return str(world.users["no_role"].pk)  # an admin gives them a role
    if name == "account_pk":
        return str(world.account.pk)
    if name == "checklist_pk":
        return str(world.checklist.pk)
    if name == "step_pk":
        if "/remove/" in route:
            return str(world.custom_step.pk)  # only steps added by hand can be removed
        if "/email/" in route:
            return str(world.email_step.pk)
        return str(world.manual_step.pk)
    if name == "zd_id":
        return str(world.ticket.zd_id)
    if name == "email_pk":
        return str(world.email.pk)
    if name == "org_pk":
        return str(world.spare_org.pk)
    if name == "key" and route.startswith("sync/waiting/"):
        return "tickets-without-requester"
    if name == "instance":
        return "global"  # the one instance the world's data has (another instance's: tests/instances)
    if name == "provider_id":
        return "sso"
    if name in ("key", "uidb36"):
        return "x1"
    raise LookupError(f"no value for <{name}> in {route}: add one to tests/hardening/routes.py")


def concrete_path(route: str, world: World) -> str:
    """'accounts/<int:pk>/steps/<int:step_pk>/complete/' -> '/accounts/12/steps/40/complete/'."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _value(route, m.group(1), world), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _value(route, m.group(1), world), path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path
