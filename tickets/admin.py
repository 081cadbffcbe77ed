"""Admin: mirrored tickets and comments (a restricted instance's only for admins cleared for it,
csmportal.admin_access) and Salesforce cases."""

from django.contrib import admin

from csmportal.admin_access import InstanceAccessAdmin

from .models import Case, Comment, Ticket


@admin.register(Ticket)
class TicketAdmin(InstanceAccessAdmin):
    list_display = ("zd_id", "subject", "account", "status", "priority", "zd_created_at")
    list_filter = ("status", "priority", "preferred_region")
    search_fields = ("=zd_id", "subject")
    list_select_related = ("account",)
    raw_id_fields = ("organization", "account", "requester")
    show_full_result_count = False


@admin.register(Comment)
class CommentAdmin(InstanceAccessAdmin):
    list_display = ("zd_id", "zd_ticket_id", "public", "created_at")
    search_fields = ("=zd_ticket_id",)
    raw_id_fields = ("ticket", "author")
    show_full_result_count = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("case_number", "sf_id", "zd_ticket_id", "account", "status")
    search_fields = ("case_number", "sf_id", "=zd_ticket_id")
    raw_id_fields = ("ticket", "account", "contact")
    show_full_result_count = False
