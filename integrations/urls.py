from django.urls import path

from . import connection_views, views, webhooks

app_name = "integrations"
urlpatterns = [
    path("sync/", views.sync_page, name="sync"),
    path("sync/run/", views.sync_now, name="sync_now"),
    path("sync/waiting/<slug:key>/", views.waiting_list, name="waiting"),
    path("connections/", connection_views.connections_page, name="connections"),
    path("connections/check/", connection_views.connections_check, name="connections_check"),
    # The global instance's address, as before instances; each instance has its own below.
    path("webhooks/zendesk/", webhooks.zendesk_webhook, name="zendesk_webhook"),
    path("webhooks/zendesk/<slug:instance>/", webhooks.zendesk_webhook, name="zendesk_webhook_instance"),
]
