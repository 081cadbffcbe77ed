from django.urls import path

from . import views, webhooks

app_name = "integrations"
urlpatterns = [
    path("sync/", views.sync_page, name="sync"),
    path("sync/run/", views.sync_now, name="sync_now"),
    path("webhooks/zendesk/", webhooks.zendesk_webhook, name="zendesk_webhook"),
]
