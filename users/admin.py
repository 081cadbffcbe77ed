from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from csmportal import instances

from .audit import audit_record
from .models import Clearance, User
from .roles import Role
from .services import user_email_changed, user_invite, user_send_invitation


class InviteForm(forms.ModelForm):
    """Admins invite people; the invitee chooses their own password."""

    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = User
        fields = ["email", "name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = InviteForm
    add_fieldsets = ((None, {"fields": ("email", "name", "roles")}),)
    fieldsets = (
        (None, {"fields": ("email", "name", "password", "time_zone")}),
        ("Roles", {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("email", "name", "role_names", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff")
    search_fields = ("email", "name")
    ordering = ("email",)
    actions = ["resend_invitation"]

    @admin.display(description="Roles")
    def role_names(self, obj: User) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    def save_model(self, request: HttpRequest, obj: User, form: forms.Form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            if "email" in form.changed_data:
                # The new address is unconfirmed until its owner follows the link sent to it.
                user_email_changed(user=obj, request=request)
                messages.info(request, f"A confirmation link was sent to {obj.email}.")
            return
        user = user_invite(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            roles=form.cleaned_data["roles"],
            invited_by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = user.pk
        obj._state.adding = False
        messages.info(request, f"Invitation sent to {user.email}.")

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description="Send the invitation email again")
    def resend_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_send_invitation(user=user, invited_by=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Sent {queryset.count()} invitation(s).")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name",)


class ClearanceForm(forms.ModelForm):
    """The instance is one of the configured restricted instances (a clearance for any other
    means nothing)."""

    instance = forms.ChoiceField(choices=[])

    class Meta:
        model = Clearance
        fields = ["user", "instance"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        restricted = [(i.key, f"{i.name} ({i.key})") for i in instances.all_instances() if i.restricted]
        # The declared field "instance" hides ModelForm.instance from the type checker only (the
        # form's metaclass takes declared fields off the class): self.instance is the Clearance.
        clearance: Clearance = self.instance  # type: ignore[assignment]
        if clearance.pk and clearance.instance not in dict(restricted):
            restricted.append((clearance.instance, f"{clearance.instance} (not configured)"))
        self.fields["instance"].choices = restricted  # type: ignore[attr-defined]


@admin.register(Clearance)
class ClearanceAdmin(admin.ModelAdmin):
    """Who may see a restricted Zendesk instance's data (the Team page grants and revokes too)."""

    form = ClearanceForm
    list_display = ("user", "instance", "granted_by", "granted_at")
    list_filter = ("instance",)
    search_fields = ("user__email", "user__name")
    list_select_related = ("user", "granted_by")
    raw_id_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: Clearance, form: forms.Form, change: bool) -> None:
        if not change:
            obj.granted_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user, obj=obj.user, message=f"Cleared for the Zendesk instance {obj.instance}."
        )

    def delete_model(self, request: HttpRequest, obj: Clearance) -> None:
        audit_record(
            actor=request.user,
            obj=obj.user,
            message=f"Clearance for the Zendesk instance {obj.instance} revoked.",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Clearance]) -> None:
        for clearance in queryset.select_related("user"):
            self.delete_model(request, clearance)
