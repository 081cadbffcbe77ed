from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [path("sync/", views.sync_page, name="sync")]
