from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list_view, name="list"),
    path("<int:pk>/", views.account_detail, name="detail"),
]
