from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list_view, name="list"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
]
