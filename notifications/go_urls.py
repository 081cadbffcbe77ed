from django.urls import path

from .go import go, go_redirector

urlpatterns = [
    path("", go, name="go"),
    path("redirector.json", go_redirector, name="go_redirector"),
    # Another Zendesk instance's page: a bare ticket number there is that instance's.
    path("<slug:instance>/", go, name="go_in"),
]
