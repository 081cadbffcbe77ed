"""The portal's URLs plus the pages benchmark's floor: a logged-in page that renders the base
layout (navigation, bell, footer) and nothing else. Used only by `bench/bench_pages.py`, never by
the portal itself."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from csmportal.urls import handler403  # noqa: F401
from csmportal.urls import urlpatterns as portal_urlpatterns

FLOOR_PATH = "/_bench/floor/"


def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor"), *portal_urlpatterns]
