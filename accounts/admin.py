from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from csmportal.admin_access import InstanceAccessAdmin

from .checklist_models import (
    AccountEmail,
    Checklist,
    ChecklistStep,
    ChecklistTemplate,
    ChecklistTemplateVersion,
    EmailTemplate,
    TemplateStep,
)
from .emails import PLACEHOLDERS
from .models import Account, AccountEvent, Organization, SalesforceUser
from .services.templates import checklist_template_publish


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "sf_id", "csm", "support_level", "region", "seats", "renewal_date")
    list_filter = ("support_level", "region", "health")
    search_fields = ("name", "sf_id")
    list_select_related = ("csm",)
    raw_id_fields = ("csm",)


@admin.register(Organization)
class OrganizationAdmin(InstanceAccessAdmin):
    list_display = ("name", "zd_id", "salesforce_id", "account", "am_project_id", "cmp_id")
    search_fields = ("name", "salesforce_id")
    list_select_related = ("account",)
    raw_id_fields = ("account",)


@admin.register(SalesforceUser)
class SalesforceUserAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "sf_id", "is_active", "portal_user")
    search_fields = ("name", "email")
    raw_id_fields = ("portal_user",)


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """The audit trail is read only, here as everywhere."""

    list_display = ("created_at", "account", "actor", "verb", "summary")
    list_filter = ("verb",)
    search_fields = ("account__name", "summary")
    list_select_related = ("account", "actor")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    extra = 0
    fields = ("position", "title", "kind", "check_key", "email_template", "action", "description")
    ordering = ("position", "id")


class VersionInline(admin.TabularInline):
    model = ChecklistTemplateVersion
    extra = 0
    fields = ("number", "name", "step_count", "created_at", "created_by")
    readonly_fields = fields
    can_delete = False
    ordering = ("-number",)
    verbose_name_plural = "Published versions (checklists keep the version they started from)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Steps")
    def step_count(self, obj: ChecklistTemplateVersion) -> int:
        return len(obj.steps)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    """Saving publishes a new version when the steps changed; started checklists are not touched."""

    list_display = ("name", "key", "version", "is_default", "is_active", "updated_at")
    inlines = [TemplateStepInline, VersionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("key", "version") if obj else ("version",)  # the key names the template for good

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Sequence[str]]:
        return {} if obj else {"key": ("name",)}

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        version = checklist_template_publish(template=form.instance, actor=request.user)
        if version is not None:
            self.message_user(
                request,
                f"Published version {version.number} of “{form.instance.name}”. New checklists use it; "
                "checklists already started keep their steps.",
                messages.SUCCESS,
            )


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "subject", "updated_at")
    prepopulated_fields = {"key": ("name",)}

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        help_text = "Placeholders: " + "; ".join(f"{{{{ {k} }}}}: {v}" for k, v in PLACEHOLDERS.items())
        kwargs["help_texts"] = {"body": help_text, "subject": "The same placeholders work here."}
        return super().get_form(request, obj, change, **kwargs)


class ChecklistStepInline(admin.TabularInline):
    model = ChecklistStep
    extra = 0
    fields = ("position", "title", "kind", "status", "owner", "completed_by", "completed_at", "evidence")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    """Read only: checklists change on the account page, where every change is audited."""

    list_display = ("account", "name", "template_version", "started_at", "completed_at")
    list_select_related = ("account", "template_version")
    search_fields = ("account__name",)
    inlines = [ChecklistStepInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccountEmail)
class AccountEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "account", "to_email", "subject", "status", "sent_by")
    list_filter = ("status",)
    search_fields = ("account__name", "to_email", "subject")
    list_select_related = ("account", "sent_by")
    readonly_fields = [f.name for f in AccountEmail._meta.get_fields() if f.concrete]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
