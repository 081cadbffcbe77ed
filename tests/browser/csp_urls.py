"""The portal's URLs plus test-only pages that break the Content-Security-Policy on purpose, and
one that fails, for tests/browser/test_csp.py."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

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


urlpatterns = [
    path("_test/inline/", inline),
    path("_test/fails/", fails),
    *portal_urlpatterns,
]
