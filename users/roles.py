"""Roles are Django groups. These helpers are what every view uses to check them."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse


class Role(models.TextChoices):
    CSM = "CSM", "CSM"
    SUPPORT_MANAGER = "Support manager", "Support manager"
    SUPPORT_OPS = "Support ops", "Support ops"
    ADMIN = "Admin", "Admin"


ALL_ROLES = tuple(Role)


def user_roles(user: Any) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = frozenset(names)
        user._portal_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    """True when the user holds any of the roles. Admins hold every role's rights."""
    held = user_roles(user)
    return Role.ADMIN in held or bool(held.intersection(roles))


def is_admin(user: Any) -> bool:
    return Role.ADMIN in user_roles(user)


def require_role(user: Any, *roles: str) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied("Your role does not give access to this.")


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: 403 unless the (logged-in) user holds one of the roles.

    Login itself is enforced site-wide by LoginRequiredMiddleware.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


any_role_required = role_required(*ALL_ROLES)
