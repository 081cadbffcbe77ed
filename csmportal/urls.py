from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from users import views as users_views

from . import admin_access, views

handler403 = "csmportal.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Before allauth's: nobody adds or changes their own address (users.views).
    path("auth/email/", users_views.email_managed_by_admins, name="account_email"),
    path("auth/", include("allauth.urls")),
    # The admin uses the portal's login (and its two-factor step), not a login of its own.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(url=reverse_lazy("account_login"), query_string=True)),
        name="admin_login_redirect",
    ),
    # Django's "view on site" redirect under the access rule (csmportal.admin_access).
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(admin_access.view_on_site),
        name="admin_view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("profile/", include("users.urls")),
    path("team/", include("users.team_urls")),
    path("accounts/", include("accounts.urls")),
    path("contacts/", include("contacts.urls")),
    path("tickets/", include("tickets.urls")),
    path("feedback/", include("feedback.urls")),
    path("notifications/", include("notifications.urls")),
    path("go/", include("notifications.go_urls")),
    path("requests/", include("supportops.urls")),
    path("", include("integrations.urls")),
]

if settings.DEBUG:
    from django.views.defaults import page_not_found, server_error

    urlpatterns += [
        path("_errors/404/", page_not_found, {"exception": Exception("Not found")}),
        path("_errors/500/", server_error),
    ]
