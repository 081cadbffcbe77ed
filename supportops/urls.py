from django.urls import path

from . import views

app_name = "supportops"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("export.csv", views.request_export, name="export"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/comment/", views.request_comment, name="comment"),
    *(
        path(f"<int:pk>/{action}/", views.request_action, {"action": action}, name=action)
        for action in views.ACTIONS
    ),
    path("new/", views.request_new, name="new"),
    path("new/correction/<int:org_pk>/", views.correction_new, name="new_correction"),
    path("new/correction/<int:org_pk>/preview/", views.correction_preview, name="preview_correction"),
    path("new/notes/<int:org_pk>/", views.notes_new, name="new_notes"),
    path("new/link/<int:org_pk>/", views.link_fix_new, name="new_link_fix"),
]
