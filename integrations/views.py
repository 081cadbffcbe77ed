from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from users.roles import any_role_required

from .selectors import stream_statuses


@any_role_required
def sync_page(request: HttpRequest) -> HttpResponse:
    return render(request, "integrations/sync.html", {"streams": stream_statuses()})
