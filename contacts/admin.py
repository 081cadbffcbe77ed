from django.contrib import admin

from .models import Contact, SupportUser


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "email", "account", "sf_id")
    search_fields = ("email", "last_name", "sf_id")
    raw_id_fields = ("account",)
    show_full_result_count = False


@admin.register(SupportUser)
class SupportUserAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organization", "role", "active")
    search_fields = ("email", "name", "=zd_id")
    raw_id_fields = ("organization", "contact")
    show_full_result_count = False
