from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from csmportal.admin_access import InstanceAccessAdmin

from .erase import person_erase
from .models import Contact, SupportUser


@admin.action(description="Erase these people's personal data (privacy request)")
def erase_people(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    emails = {row.email_key for row in queryset if row.email_key}
    rows = sum(person_erase(email=email).rows for email in sorted(emails))
    skipped = queryset.filter(email_key="").count()
    modeladmin.message_user(
        request,
        f"Erased {len(emails)} person(s): {rows} row(s) cleared."
        + (f" {skipped} selected row(s) had no email left to erase by." if skipped else ""),
        messages.SUCCESS,
    )


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "email", "account", "sf_id")
    search_fields = ("email", "last_name", "sf_id")
    raw_id_fields = ("account",)
    show_full_result_count = False
    actions = [erase_people]


@admin.register(SupportUser)
class SupportUserAdmin(InstanceAccessAdmin):
    list_display = ("name", "email", "organization", "role", "active")
    search_fields = ("email", "name", "=zd_id")
    raw_id_fields = ("organization", "contact")
    show_full_result_count = False
    actions = [erase_people]
