"""The link fixer: GET /go/?url=<a Zendesk ticket link or number> opens the ticket's agent page.

It does what the browser extension the handbook recommends does for links that open the raw
/api/v2/tickets/N.json document. The redirect target is built from the ticket number and a
configured Zendesk subdomain only, so it cannot send anyone anywhere else. With more than one
Zendesk instance (docs/instances.md) a link opens on the instance its host names; a bare number
is the global instance's at /go/ and another instance's at /go/<instance>/. The page also lists
the handbook's workarounds in its order, and GET /go/redirector.json is the handbook's
Redirector configuration generated for the configured Zendesk hosts (one rule per instance),
ready to import.
"""

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.links import zendesk_host, zendesk_hosts, zendesk_ticket_url
from csmportal import instances
from csmportal.instances import GLOBAL
from users.roles import any_role_required

from .forms import GoForm
from .links import NotAZendeskTicketLink, parse_ticket_link

# The handbook's links to the Redirector extension (its fourth workaround).
REDIRECTOR_CHROME_URL = (
    "https://chrome.google.com/webstore/detail/redirector/ocgpenflpmgnfapjedencafcfakcekcd?hl=en"
)
REDIRECTOR_FIREFOX_URL = "https://addons.mozilla.org/en-US/firefox/addon/redirector/"


def redirector_config(hosts: str | list[str], created_at: str) -> dict:
    """The handbook's Redirector configuration for `hosts` (one rule each). It redirects to the
    ticket's agent page (/agent/tickets/N), the address the portal's own links use, where the
    handbook's copy redirects to /tickets/N (which Zendesk sends on to the same agent page)."""
    return {
        "createdBy": "Redirector v3.5.2",
        "createdAt": created_at,
        "redirects": [
            {
                "description": "Redirect zendesk tickets",
                "exampleUrl": f"https://{host}/api/v2/tickets/12345.json",
                "exampleResult": f"https://{host}/agent/tickets/12345",
                "error": None,
                "includePattern": f"https://{host}/api/v2/tickets/([0-9]+).json",
                "excludePattern": "",
                "patternDesc": "",
                "redirectUrl": f"https://{host}/agent/tickets/$1",
                "patternType": "R",
                "processMatches": "noProcessing",
                "disabled": False,
                "appliesTo": ["main_frame"],
            }
            for host in ([hosts] if isinstance(hosts, str) else hosts)
        ],
    }


def redirector_json(hosts: str | list[str]) -> str:
    created_at = timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(redirector_config(hosts, created_at), indent=4)


@any_role_required
@require_GET
def go(request: HttpRequest, instance: str = GLOBAL) -> HttpResponse:
    """The link fixer of one instance (bare numbers are its tickets); links open on their host's."""
    host = zendesk_host(instance)
    if not host:
        raise Http404("No such Zendesk instance.")
    form = GoForm(request.GET if "url" in request.GET else None)
    form.fields["url"].widget.attrs["placeholder"] = f"https://{host}/api/v2/tickets/123456.json"
    if form.is_valid():
        try:
            found = parse_ticket_link(form.cleaned_data["url"], instance)
        except NotAZendeskTicketLink as exc:
            form.add_error("url", str(exc))
        else:
            response = HttpResponseRedirect(zendesk_ticket_url(found.number, found.instance))
            response["Referrer-Policy"] = "no-referrer"
            return response
    go_path = reverse("go") if instance == GLOBAL else reverse("go_in", args=[instance])
    context = {
        "form": form,
        "zendesk_host": host,
        "zendesk_hosts": list(zendesk_hosts()),
        "instance_name": instances.get(instance).name if instances.is_multi() else "",
        "other_pages": [
            (i.name, reverse("go") if i.key == GLOBAL else reverse("go_in", args=[i.key]))
            for i in instances.all_instances()
            if i.key != instance
        ],
        "go_url": f"{settings.SITE_URL}{go_path}",
        "example_number": 123456,
        "redirector_json": redirector_json(list(zendesk_hosts())),
        "redirector_chrome_url": REDIRECTOR_CHROME_URL,
        "redirector_firefox_url": REDIRECTOR_FIREFOX_URL,
    }
    return render(request, "notifications/go.html", context, status=400 if form.errors else 200)


@any_role_required
@require_GET
def go_redirector(request: HttpRequest) -> HttpResponse:
    """The Redirector configuration as a file to import (Redirector: Import): a rule per host."""
    response = HttpResponse(redirector_json(list(zendesk_hosts())), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="redirector-zendesk-tickets.json"'
    return response
