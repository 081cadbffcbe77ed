from django.contrib import admin

from .models import Feedback, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("zd_id", "score", "zd_ticket_id", "account", "zd_created_at")
    list_filter = ("score",)
    raw_id_fields = ("ticket", "organization", "account", "requester")
    show_full_result_count = False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("account", "sentiment", "status", "forwarded_by", "reviewing_manager", "created_at")
    list_filter = ("status", "sentiment")
    raw_id_fields = ("account", "ticket", "rating", "forwarded_by", "reviewing_manager")
