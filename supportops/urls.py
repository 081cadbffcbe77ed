from django.urls import path

from . import views

app_name = "supportops"
urlpatterns = [path("", views.request_list, name="list")]
