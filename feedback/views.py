from django.http import HttpRequest, HttpResponse

from csmportal.lists import render_list
from users.roles import Role, any_role_required, has_role

from .selectors import feedback_for_user


@any_role_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    items = feedback_for_user(request.user)
    is_manager = has_role(request.user, Role.SUPPORT_MANAGER)
    return render_list(request, "feedback/list.html", items, context={"is_manager": is_manager})
