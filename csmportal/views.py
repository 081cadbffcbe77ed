"""Project-level pages: the home page (what needs each role's attention), /healthz and the
error pages."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from users.roles import Role, user_roles

from . import health
from .home.csm import Reason, csm_attention
from .home.queues import admin_status, manager_queue, ops_queue
from .home.rows_html import home_rows_html
from .lists import query_without

HOME_ROWS = 20  # accounts per page of the CSM's ranked list


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """One section per role the user holds, each with what needs doing first; someone with no
    role yet is told so."""
    roles = user_roles(request.user)
    if not roles:
        return render(request, "no_role.html", status=403)
    context: dict[str, object] = {"roles": roles}
    if Role.CSM in roles:
        attention = csm_attention(request.user)
        reason = request.GET.get("reason", "")
        reason = reason if reason in Reason.values else ""
        context["attention"] = attention
        context["reason"] = Reason(reason).label if reason else ""
        context["reason_code"] = reason
        page = Paginator(attention.filtered(reason), HOME_ROWS).get_page(request.GET.get("page"))
        context["page"] = page
        context["rows_html"] = home_rows_html(page.object_list)
        context["query_without_page"] = query_without(request, "page")
    if Role.SUPPORT_MANAGER in roles:
        context["manager"] = manager_queue(request.user)
    if Role.SUPPORT_OPS in roles:
        context["ops"] = ops_queue(request.user)
    if Role.ADMIN in roles:
        context["admin"] = admin_status()
    return render(request, "home/home.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Status and each part up or down, for anyone; admins read the details on the sync page."""
    report = health.report()
    return JsonResponse(health.summary(report), status=200 if report["status"] != "down" else 503)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)
