from django.urls import path

from . import team_views

app_name = "team"
urlpatterns = [
    path("", team_views.team_page, name="page"),
    path("<int:pk>/roles/", team_views.team_role_change, name="role_change"),
    path("<int:pk>/clearances/", team_views.team_clearance_change, name="clearance_change"),
]
