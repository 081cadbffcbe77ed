from django import forms

from csmportal.widgets import FastSelect

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "time_zone"]
        help_texts = {"time_zone": "Dates in the portal and in its emails are shown in this zone."}
        # Six hundred zones: rendered once per process, not two templates per option per request.
        widgets = {"time_zone": FastSelect(options_key="time-zones")}
