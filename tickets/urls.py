from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list_view, name="list"),
    path("export.csv", views.ticket_export_view, name="export"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("accounts/<int:account_pk>/review/", views.account_review_view, name="account_review"),
    path("accounts/<int:account_pk>/education-email/", views.education_email_view, name="education_email"),
]
