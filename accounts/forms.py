from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from users.models import User
from users.roles import Role

from .checklist_models import ChecklistTemplate
from .emails import is_single_line, unknown_placeholders
from .models import Account, SalesforceUser
from .recipients import recipient_refusal


def possible_owners() -> QuerySet[User]:
    """People who can own a step: active CSMs and admins."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[Role.CSM, Role.ADMIN]) | Q(is_superuser=True))
        .distinct()
        .order_by("name", "email")
    )


class StartChecklistForm(forms.Form):
    """Choose a template to start; its choices are the templates the caller already loaded."""

    template = forms.TypedChoiceField(label="Checklist", coerce=int)

    def __init__(self, *args: Any, templates: list[ChecklistTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {t.pk: t for t in templates}
        field = self.fields["template"]
        field.choices = [(t.pk, t.name) for t in templates]  # type: ignore[attr-defined]
        default = next((t for t in templates if t.is_default), templates[0] if templates else None)
        if default is not None:
            field.initial = default.pk

    def clean_template(self) -> ChecklistTemplate:
        return self.templates[self.cleaned_data["template"]]


class CompleteStepForm(forms.Form):
    evidence = forms.CharField(
        required=False,
        max_length=2000,
        label="Evidence",
        help_text="Optional: a link or a note that shows it is done.",
    )


class SkipStepForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why it does not apply")


class AssignStepForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Nobody")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = possible_owners()  # type: ignore[attr-defined]


class MoveStepForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class AddStepForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class StepEmailForm(forms.Form):
    to_email = forms.EmailField(
        label="To",
        help_text="The sold-to contact from Salesforce, or another of the account's own people: "
        "its contacts, its Zendesk users, or an address at its organizations' domains.",
    )
    subject = forms.CharField(max_length=200, strip=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 18}), max_length=20000)
    cc_sender = forms.BooleanField(required=False, initial=True, label="Send me a copy")

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_to_email(self) -> str:
        email = self.cleaned_data["to_email"]
        refusal = recipient_refusal(self.account, email)
        if refusal:
            raise forms.ValidationError(refusal)
        return email

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if not is_single_line(subject):
            raise forms.ValidationError("The subject must be one line: remove the line break.")
        subject = subject.strip()
        if not subject:
            raise forms.ValidationError("This field is required.")
        return subject

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("subject", "body"):
            unknown = unknown_placeholders(data.get(name, ""))
            if unknown:
                self.add_error(name, "Fill in or remove: " + ", ".join(f"{{{{ {p} }}}}" for p in unknown))
        return data


class InviteCsmForm(forms.Form):
    """People to invite: the Salesforce user to invite (one without a matched portal login)."""

    sf_user = forms.ModelChoiceField(
        queryset=SalesforceUser.objects.filter(portal_user__isnull=True),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "This person has a portal login already, or is unknown."},
    )
