from django.urls import path

from . import demo_views, views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
    path("accounts/<int:account_pk>/watch/", views.account_watch, name="account_watch"),
    path("demo-ticket/", demo_views.demo_ticket, name="demo_ticket"),
    path("demo-ticket/<int:zd_id>/", demo_views.demo_ticket_status, name="demo_ticket_status"),
    path("findings/", views.finding_list_view, name="findings"),
    path("outbox/", views.outbox_list_view, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_detail, name="outbox_detail"),
    path("outbox/<int:pk>/html/", views.outbox_html, name="outbox_html"),
]
