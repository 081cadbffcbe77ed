from django.contrib import admin

from .models import Account, Organization, SalesforceUser


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "sf_id", "csm", "support_level", "region", "seats", "renewal_date")
    list_filter = ("support_level", "region", "health")
    search_fields = ("name", "sf_id")
    list_select_related = ("csm",)
    raw_id_fields = ("csm",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "zd_id", "salesforce_id", "account", "am_project_id", "cmp_id")
    search_fields = ("name", "salesforce_id")
    list_select_related = ("account",)
    raw_id_fields = ("account",)


@admin.register(SalesforceUser)
class SalesforceUserAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "sf_id", "is_active", "portal_user")
    search_fields = ("name", "email")
    raw_id_fields = ("portal_user",)
