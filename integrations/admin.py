from django.contrib import admin

from .models import RateWindow, SyncRun, SyncState


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = (
        "stream",
        "synced_through",
        "watermark",
        "last_success_at",
        "locked_until",
        "requested_at",
        "stalled_at",
    )
    readonly_fields = ("updated_at",)
    search_fields = ("stream",)


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "stream",
        "status",
        "trigger",
        "full",
        "started_at",
        "finished_at",
        "pages",
        "fetched",
        "created",
        "updated",
        "deleted",
    )
    list_filter = ("stream", "status", "trigger")
    list_select_related = ("triggered_by",)
    date_hierarchy = "started_at"


@admin.register(RateWindow)
class RateWindowAdmin(admin.ModelAdmin):
    list_display = ("key",)
