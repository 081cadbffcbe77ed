from django import forms

from csmportal.widgets import FastSelect

from .models import User
from .roles import Role


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "time_zone"]
        help_texts = {"time_zone": "Dates in the portal and in its emails are shown in this zone."}
        # Six hundred zones: rendered once per process, not two templates per option per request.
        widgets = {"time_zone": FastSelect(options_key="time-zones")}


class InviteForm(forms.Form):
    """An admin invites someone by address; the roles can be given now or later."""

    email = forms.EmailField(
        label="Email address", help_text="Their work address: it is how Salesforce and Zendesk know them."
    )
    name = forms.CharField(max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Admins must set up two-factor authentication before they can open anything else.",
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone has this address already: change their roles below.")
        return email


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    change = forms.ChoiceField(choices=[("grant", "Grant"), ("revoke", "Revoke")])


class ClearanceChangeForm(forms.Form):
    """Clear someone for a restricted Zendesk instance, or take the clearance away (the service
    checks that the instance is a configured restricted one)."""

    instance = forms.CharField(max_length=20)
    change = forms.ChoiceField(choices=[("grant", "Grant"), ("revoke", "Revoke")])
