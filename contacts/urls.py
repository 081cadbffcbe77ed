from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("account/<int:pk>/", views.account_contacts, name="account"),
    path("account/<int:pk>/export.csv", views.account_contacts_export, name="account_export"),
]
