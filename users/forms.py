from django import forms

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "time_zone"]
        help_texts = {"time_zone": "Dates in the portal and in its emails are shown in this zone."}
