from django.urls import path

from .go import go

urlpatterns = [path("", go, name="go")]
