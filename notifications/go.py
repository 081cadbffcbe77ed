"""The link fixer: GET /go/?url=<a Zendesk ticket link or number> opens the ticket's agent page.

It replaces the browser extension the handbook recommends for links that open the raw
/api/v2/tickets/N.json document. The redirect target is built from the ticket number and the
configured Zendesk subdomain only, so it cannot send anyone anywhere else.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.links import zendesk_host, zendesk_ticket_url
from users.roles import any_role_required

from .forms import GoForm
from .links import NotAZendeskTicketLink, parse_ticket_reference


@any_role_required
@require_GET
def go(request: HttpRequest) -> HttpResponse:
    form = GoForm(request.GET if "url" in request.GET else None)
    form.fields["url"].widget.attrs["placeholder"] = f"https://{zendesk_host()}/api/v2/tickets/123456.json"
    if form.is_valid():
        try:
            number = parse_ticket_reference(form.cleaned_data["url"])
        except NotAZendeskTicketLink as exc:
            form.add_error("url", str(exc))
        else:
            response = HttpResponseRedirect(zendesk_ticket_url(number))
            response["Referrer-Policy"] = "no-referrer"
            return response
    context = {
        "form": form,
        "zendesk_host": zendesk_host(),
        "go_url": f"{settings.SITE_URL}{reverse('go')}",
    }
    return render(request, "notifications/go.html", context, status=400 if form.errors else 200)
