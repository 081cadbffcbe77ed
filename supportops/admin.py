from django.contrib import admin

from .models import OpsRequest


@admin.register(OpsRequest)
class OpsRequestAdmin(admin.ModelAdmin):
    list_display = ("kind", "account", "status", "requested_by", "claimed_by", "created_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("account", "organization", "requested_by", "claimed_by")
