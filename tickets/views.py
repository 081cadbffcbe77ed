from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csmportal.filters import default_csm_scope
from csmportal.lists import render_list
from users.roles import any_role_required

from .filters import TicketFilter
from .selectors import get_ticket_for_user, ticket_list


@any_role_required
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    filterset = TicketFilter(default_csm_scope(request.GET, request), ticket_list(), request=request)
    return render_list(request, "tickets/list.html", filterset.qs, context={"filter": filterset})


@any_role_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_ticket_for_user(request.user, pk)
    comments = ticket.comments.select_related("author")
    return render(request, "tickets/detail.html", {"ticket": ticket, "comments": comments})
