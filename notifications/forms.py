from django import forms

from .models import Delivery


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label="How should new tickets reach you?",
        choices=[
            (Delivery.IMMEDIATE, "Email at once: one email per new ticket, seconds after it is opened"),
            (Delivery.DIGEST, "Hourly digest: one email an hour listing the new tickets"),
            (Delivery.IN_APP, "In the portal only: the bell and the notifications list, no email"),
        ],
        widget=forms.RadioSelect,
    )


class GoForm(forms.Form):
    url = forms.CharField(
        label="Zendesk ticket link or number",
        max_length=2000,
        widget=forms.TextInput(
            attrs={"placeholder": "https://example.zendesk.com/api/v2/tickets/123456.json", "autofocus": True}
        ),
    )


class WatchForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("follow", "Follow"), ("unfollow", "Unfollow"), ("mute", "Mute"), ("unmute", "Unmute")]
    )
