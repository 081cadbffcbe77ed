"""Admin: ratings (read), feedback items (read-mostly: changes go through the portal's pages
so they are recorded, audited and emailed) and the review rotation (set through the service,
so setting this week's manager assigns the items waiting for one). Ratings and items of a
restricted Zendesk instance are listed and opened only by admins cleared for it
(csmportal.admin_access)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from csmportal.admin_access import InstanceAccessAdmin

from .models import Feedback, FeedbackEvent, Rating, RotationWeek
from .rotation import FIRST_DAY, LAST_DAY, in_rotation_range, support_managers
from .selectors import ITEM_INSTANCE_FIELDS
from .services import rotation_week_set


@admin.register(Rating)
class RatingAdmin(InstanceAccessAdmin):
    list_display = ("zd_id", "score", "zd_ticket_id", "account", "zd_created_at")
    list_filter = ("score",)
    search_fields = ("zd_id", "zd_ticket_id", "account__name", "comment")
    raw_id_fields = ("ticket", "organization", "account", "requester")
    show_full_result_count = False


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "kind", "from_status", "to_status", "body", "emailed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(InstanceAccessAdmin):
    list_display = (
        "id", "account", "sentiment", "status", "forwarded_by", "reviewing_manager", "first_response_due_at",
        "created_at",
    )  # fmt: skip
    list_filter = ("status", "sentiment", "channel", "wants_manager_contact")
    search_fields = ("account__name", "zd_ticket_id", "customer_words", "summary", "outcome")
    raw_id_fields = ("account", "ticket", "rating", "forwarded_by", "reviewing_manager")
    readonly_fields = (
        "status", "submission_key", "assigned_at", "first_response_due_at", "due_rule", "first_responded_at",
        "triaged_at", "actioned_at", "closed_at", "created_at", "updated_at",
    )  # fmt: skip
    inlines = [FeedbackEventInline]
    instance_fields = ITEM_INSTANCE_FIELDS  # its ticket's and its rating's instance too


class RotationWeekForm(forms.ModelForm):
    class Meta:
        model = RotationWeek
        fields = ["week_start", "manager"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "manager" in self.fields:
            self.fields["manager"].queryset = support_managers()  # type: ignore[attr-defined]

    def clean_week_start(self) -> Any:
        value = self.cleaned_data["week_start"]
        if not in_rotation_range(value):
            raise ValidationError(f"Choose a week from {FIRST_DAY:%Y} to {LAST_DAY:%Y}.")
        if value.weekday() != 0:
            raise ValidationError("A rotation week starts on a Monday.")
        return value


@admin.register(RotationWeek)
class RotationWeekAdmin(admin.ModelAdmin):
    form = RotationWeekForm
    list_display = ("week_start", "manager", "set_by", "updated_at")
    ordering = ("-week_start",)
    date_hierarchy = "week_start"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("week_start",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: RotationWeek, form: Any, change: bool) -> None:
        saved = rotation_week_set(week_start=obj.week_start, manager=obj.manager, set_by=request.user)
        obj.pk, obj.set_by, obj.updated_at = saved.pk, saved.set_by, saved.updated_at
