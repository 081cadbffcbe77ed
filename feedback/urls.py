from django.urls import path

from .views import cadence, item, queue, ratings, rotation

app_name = "feedback"
urlpatterns = [
    path("", queue.feedback_list, name="list"),
    path("export.csv", queue.feedback_export, name="export"),
    path("forward/", queue.feedback_forward_view, name="forward"),
    path("forward/ticket-lookup/", queue.ticket_lookup, name="ticket_lookup"),
    path("<int:pk>/", item.feedback_detail, name="detail"),
    path("<int:pk>/triage/", item.feedback_triage_view, name="triage"),
    path("<int:pk>/action/", item.feedback_action_view, name="action"),
    path("<int:pk>/close/", item.feedback_close_view, name="close"),
    path("<int:pk>/reopen/", item.feedback_reopen_view, name="reopen"),
    path("<int:pk>/reassign/", item.feedback_reassign_view, name="reassign"),
    path("<int:pk>/comment/", item.feedback_comment_view, name="comment"),
    path("ratings/", ratings.rating_list, name="ratings"),
    path("ratings/export.csv", ratings.rating_export, name="ratings_export"),
    path("ratings/<int:pk>/forward/", ratings.rating_forward, name="rating_forward"),
    path("rotation/", rotation.rotation_page, name="rotation"),
    path("rotation/take/", rotation.rotation_take, name="rotation_take"),
    path("rotation/swap/", rotation.rotation_swap, name="rotation_swap"),
    path("accounts/<int:pk>/cadence/", cadence.cadence_page, name="cadence"),
]
