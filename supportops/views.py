from django.http import HttpRequest, HttpResponse

from csmportal.lists import render_list
from users.roles import Role, any_role_required, has_role

from .selectors import requests_for_user


@any_role_required
def request_list(request: HttpRequest) -> HttpResponse:
    items = requests_for_user(request.user)
    is_ops = has_role(request.user, Role.SUPPORT_OPS)
    return render_list(request, "supportops/list.html", items, context={"is_ops": is_ops})
