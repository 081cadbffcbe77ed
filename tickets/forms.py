"""Forms of the tickets pages."""

from typing import Any

from django import forms

from accounts.emails import is_single_line

from .education import Recipient


class EducationEmailForm(forms.Form):
    to = forms.ChoiceField(label="To", help_text="One of the account's own contacts.")
    subject = forms.CharField(max_length=200, strip=False)
    body = forms.CharField(
        label="Message",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text="Edit freely before sending; it is sent as plain text, with replies going to you.",
    )
    copy_me = forms.BooleanField(label="Send me a copy", required=False, initial=True)

    def __init__(self, *args: Any, recipients: list[Recipient], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(r.email, r.label) for r in recipients]
        to_field = self.fields["to"]
        assert isinstance(to_field, forms.ChoiceField)
        to_field.choices = [("", "Choose a contact\u2026"), *choices]

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if not is_single_line(subject):
            raise forms.ValidationError("The subject must be one line: remove the line break.")
        if not subject.strip():
            raise forms.ValidationError("This field is required.")
        return subject.strip()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        if not body.strip():
            raise forms.ValidationError("Write the message before sending it.")
        return body
