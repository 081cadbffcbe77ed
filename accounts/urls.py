from django.urls import path

from . import checklist_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list_view, name="list"),
    path("export.csv", views.account_export, name="export"),
    path("people-to-invite/", views.people_to_invite_view, name="people_to_invite"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/history/", views.account_history, name="history"),
    path("<int:pk>/checklists/start/", checklist_views.checklist_start_view, name="checklist_start"),
    path("<int:pk>/checklists/recheck/", checklist_views.checklist_recheck_view, name="checklist_recheck"),
    path(
        "<int:pk>/checklists/<int:checklist_pk>/steps/add/",
        checklist_views.step_add_view,
        name="step_add",
    ),
    path("<int:pk>/steps/<int:step_pk>/complete/", checklist_views.step_complete_view, name="step_complete"),
    path("<int:pk>/steps/<int:step_pk>/reopen/", checklist_views.step_reopen_view, name="step_reopen"),
    path("<int:pk>/steps/<int:step_pk>/skip/", checklist_views.step_skip_view, name="step_skip"),
    path("<int:pk>/steps/<int:step_pk>/assign/", checklist_views.step_assign_view, name="step_assign"),
    path("<int:pk>/steps/<int:step_pk>/move/", checklist_views.step_move_view, name="step_move"),
    path("<int:pk>/steps/<int:step_pk>/remove/", checklist_views.step_remove_view, name="step_remove"),
    path("<int:pk>/steps/<int:step_pk>/email/", checklist_views.step_email_view, name="step_email"),
    path("<int:pk>/emails/<int:email_pk>/", checklist_views.email_detail_view, name="email_detail"),
    path(
        "<int:pk>/organizations/<int:org_pk>/confirm-link/",
        checklist_views.organization_link_confirm_view,
        name="organization_link_confirm",
    ),
]
