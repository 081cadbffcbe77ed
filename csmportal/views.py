"""Project-level pages: the role-based home, /healthz and the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from users.roles import Role, user_roles

from . import health

HOME_BY_ROLE = [
    (Role.CSM, "tickets:list"),
    (Role.SUPPORT_MANAGER, "feedback:list"),
    (Role.SUPPORT_OPS, "supportops:list"),
    (Role.ADMIN, "integrations:sync"),
]


def home(request: HttpRequest) -> HttpResponse:
    """Each role starts on the page it works from; someone with no role yet is told so."""
    roles = user_roles(request.user)
    for role, url_name in HOME_BY_ROLE:
        if role in roles:
            return redirect(url_name)
    return render(request, "no_role.html", status=403)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Status and each part up or down, for anyone; admins read the details on the sync page."""
    report = health.report()
    return JsonResponse(health.summary(report), status=200 if report["status"] != "down" else 503)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)
