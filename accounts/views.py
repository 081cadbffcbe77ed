from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csmportal.filters import default_csm_scope
from csmportal.lists import render_list
from users.roles import any_role_required

from .filters import AccountFilter
from .panels import panels_for
from .selectors import account_list, get_account_for_user


@any_role_required
def account_list_view(request: HttpRequest) -> HttpResponse:
    filterset = AccountFilter(default_csm_scope(request.GET, request), account_list(), request=request)
    return render_list(request, "accounts/list.html", filterset.qs, context={"filter": filterset})


@any_role_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    organizations = list(account.organizations.all())
    return render(
        request,
        "accounts/detail.html",
        {"account": account, "organizations": organizations, "panels": panels_for(request, account)},
    )
