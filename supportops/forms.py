"""Forms of support-ops requests: what the CSM fills in, validated with clear messages."""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.conf import settings

from accounts.models import Organization

from .text import gitlab_host, normalise_notes

NOTES_MAX = 2000


class CorrectionForm(forms.Form):
    """The right collaboration project ID (AM ID) for an org, and the project's URL."""

    am_project_id = forms.CharField(
        label="Correct collaboration project ID",
        max_length=20,
        help_text="The collaboration project's numeric ID (shown as “Project ID” on its GitLab page).",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "17735787"}
        ),
    )
    project_url = forms.CharField(
        label="Collaboration project URL",
        max_length=500,
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        example = f"{settings.GITLAB_URL}/group/customer-project"
        self.fields[
            "project_url"
        ].help_text = f"The project's address on {settings.GITLAB_URL}, e.g. {example}."
        self.fields["project_url"].widget.attrs["placeholder"] = f"{settings.GITLAB_URL}/group/project"

    def clean_am_project_id(self) -> str:
        value = "".join(self.cleaned_data["am_project_id"].split())
        if not value.isdecimal():
            raise forms.ValidationError(
                "The collaboration project ID is a number, e.g. 17735787: digits only."
            )
        value = str(int(value))
        if value == "0":
            raise forms.ValidationError("The collaboration project ID is a project's ID and can't be 0.")
        current = (self.organization.am_project_id or "").strip()
        if current.isdecimal() and str(int(current)) == value:
            raise forms.ValidationError(
                f"{value} is already this organization's collaboration project ID in Zendesk: "
                "nothing to change."
            )
        return value

    def clean_project_url(self) -> str:
        value = self.cleaned_data["project_url"].strip()
        example = f"{settings.GITLAB_URL}/group/customer-project"
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise forms.ValidationError(f"Enter the project's full address, e.g. {example}.")
        if parts.username or parts.password:
            raise forms.ValidationError("Leave user names and passwords out of the address.")
        allowed = urlsplit(settings.GITLAB_URL)
        if parts.netloc.lower() != gitlab_host() or parts.scheme != allowed.scheme:
            raise forms.ValidationError(
                f"The project must be on {settings.GITLAB_URL} (this address is on "
                f"{parts.scheme}://{parts.netloc})."
            )
        base_path = allowed.path.rstrip("/")
        path = parts.path.rstrip("/")
        if base_path and not path.startswith(base_path + "/"):
            raise forms.ValidationError(f"The project must be under {settings.GITLAB_URL}.")
        segments = [s for s in path[len(base_path) :].split("/") if s]
        if len(segments) < 2 or segments[0] == "-":
            raise forms.ValidationError(
                f"Give the project's own address (group and project), e.g. {example}."
            )
        # One canonical form: no query, fragment or trailing slash; host lower-cased.
        return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Notes for the support team",
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=(
            "Important, lasting context shown on each new ticket of this organization (e.g. "
            "architecture, escalation contacts, restrictions). No passwords or personal data."
        ),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_notes(self) -> str:
        value = self.cleaned_data["notes"].strip()
        if not value:
            raise forms.ValidationError("Write the notes the support team should see.")
        if normalise_notes(value) in normalise_notes(self.organization.notes):
            raise forms.ValidationError("The organization's notes in Zendesk already say this.")
        return value


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Ask or answer a question…"}),
    )


class ReasonForm(forms.Form):
    """Decline (reason required) or cancel (reason optional); mark done (optional note)."""

    text = forms.CharField(
        label="Reason", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, required: bool = False, label: str = "Reason", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = required
        self.fields["text"].label = label
        if required:
            self.fields["text"].error_messages["required"] = "Say why, so the CSM knows what to do next."
