"""The portal's URLs plus test-only pages that break the Content-Security-Policy on purpose, and
one that fails, for tests/browser/test_csp.py."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt

from csmportal.urls import urlpatterns as portal_urlpatterns

INLINE = """<!doctype html><html><head><title>Inline</title><link rel="icon" href="data:,"></head><body>
<h1>A page with inline code</h1>
<script>window.__inlineRan = true;</script>
<p style="color: red">styled inline</p>
<button id="handler" onclick="window.__handlerRan = true">Click</button>
</body></html>"""


@login_not_required
def inline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(INLINE)


@login_not_required
def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a test-only page that fails, to show the 500 page")


@login_not_required
def form(request: HttpRequest) -> HttpResponse:
    """Like the login page's SSO button: a form posting to the portal, which redirects to another
    origin (?to=, standing in for the provider)."""
    return HttpResponse(
        format_html(
            '<!doctype html><title>Form</title><link rel="icon" href="data:,">'
            '<form method="post" action="/_test/redirect/"><input type="hidden" name="to" value="{}">'
            '<button type="submit">Go</button></form>',
            request.GET.get("to", ""),
        )
    )


@csrf_exempt
@login_not_required
def redirect_elsewhere(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(request.POST.get("to", ""))


@login_not_required
def landed(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!doctype html><title>Landed</title><link rel=icon href='data:,'><p>landed</p>")


urlpatterns = [
    path("_test/form/", form),
    path("_test/redirect/", redirect_elsewhere),
    path("_test/landed/", landed),
    path("_test/inline/", inline),
    path("_test/fails/", fails),
    *portal_urlpatterns,
]
