from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from users.models import User
from users.roles import Role

from .checklist_models import ChecklistTemplate
from .emails import is_single_line, unknown_placeholders
from .models import Account, SalesforceUser
from .recipients import Recipient, recipient_refusal


def possible_owners() -> QuerySet[User]:
    """People who can own a step: active CSMs and admins."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[Role.CSM, Role.ADMIN]) | Q(is_superuser=True))
        .distinct()
        .order_by("name", "email")
    )


def possible_owner_choices() -> list[tuple[int, str]]:
    """`possible_owners()` as (pk, how each prints) pairs, the query built and compiled once per
    process (`csmportal.compiled`; the ORM on SQLite): the account page lists them per step."""
    from csmportal.compiled import values_rows

    rows = values_rows(
        "accounts.possible_owners", None, lambda: possible_owners().values("pk", "name", "email"), {}, {}
    )
    return [(row["pk"], row["name"] or row["email"]) for row in rows]


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


class AccountEmailForm(forms.Form):
    """The one email screen's form: the education email and a step's email (`email_screen.py`).

    The recipient rules are `accounts.recipients`: the account's own people for both; a step's
    email also to any address at a trusted organization's domains (`any_address_at_domains`).
    """

    to = forms.EmailField(
        label="To",
        max_length=254,
        widget=forms.EmailInput(attrs={"list": "email-recipients", "autocomplete": "off"}),
    )
    subject = forms.CharField(max_length=200, strip=False)
    body = forms.CharField(
        label="Message",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "true"}),
        help_text="Sent as plain text, with replies going to you.",
    )
    copy_me = forms.BooleanField(label="Send me a copy", required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        account: Account,
        recipients: list[Recipient],
        any_address_at_domains: bool = False,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user  # the sender: whose view of the account's Zendesk people applies
        self.account = account
        self.recipients = recipients
        self.any_address_at_domains = any_address_at_domains

    def clean_to(self) -> str:
        email = self.cleaned_data["to"].strip()
        if any(r.email.lower() == email.lower() for r in self.recipients):
            return email
        refusal = recipient_refusal(self.account, email, self.user)
        if not refusal and self.any_address_at_domains:
            return email
        raise forms.ValidationError(
            refusal
            or f"{email} is not on the list of this account's own people: choose its sold-to contact, "
            "one of its Salesforce contacts or Zendesk users."
        )

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if not is_single_line(subject):
            raise forms.ValidationError("The subject must be one line: remove the line break.")
        subject = subject.strip()
        if not subject:
            raise forms.ValidationError("This field is required.")
        return subject

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        if not body.strip():
            raise forms.ValidationError("Write the message before sending it.")
        return body

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
