from django.contrib import admin
from django.db import models

from csmportal.admin_access import InstanceAccessAdmin

from .models import OpsRequest, RequestEvent
from .selectors import REQUEST_INSTANCE_FIELDS


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "verb", "from_status", "to_status", "text", "emailed_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(OpsRequest)
class OpsRequestAdmin(InstanceAccessAdmin):
    """Read-mostly: status changes go through the portal's pages so they are recorded and emailed.
    A request about a restricted instance's organization is listed and opened only by admins
    cleared for it (csmportal.admin_access)."""

    list_display = ("id", "kind", "account", "status", "requested_by", "claimed_by", "created_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("kind", "status")
    search_fields = ("account__name", "organization__name", "requested_am_project_id")
    raw_id_fields = ("account", "organization", "requested_by", "claimed_by")
    readonly_fields = (
        "status",
        "created_at",
        "updated_at",
        "claimed_at",
        "done_at",
        "flagged_at",
        "closed_at",
    )
    inlines = [RequestEventInline]
    instance_fields = REQUEST_INSTANCE_FIELDS
