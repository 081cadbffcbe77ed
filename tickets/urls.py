from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list_view, name="list"),
    path("export.csv", views.ticket_export_view, name="export"),
    # A ticket's address is its Zendesk number; the portal's own id (the address before) redirects.
    path("<int:zd_id>/", views.ticket_detail, name="detail"),
    path("id/<int:pk>/", views.ticket_by_portal_id, name="by_portal_id"),
    path("accounts/<int:account_pk>/review/", views.account_review_view, name="account_review"),
    path("accounts/<int:account_pk>/education-email/", views.education_email_view, name="education_email"),
    # Another Zendesk instance's ticket: /tickets/<instance>/<number>/ (docs/instances.md).
    path("<slug:instance>/<int:zd_id>/", views.ticket_detail, name="detail_in"),
]
