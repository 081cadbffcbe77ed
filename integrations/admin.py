from django.contrib import admin

from .models import SyncRun, SyncState


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ("stream", "watermark", "last_success_at", "locked_until", "updated_at")


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "stream",
        "status",
        "trigger",
        "started_at",
        "finished_at",
        "fetched",
        "created",
        "updated",
    )
    list_filter = ("stream", "status")
