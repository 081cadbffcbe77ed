from typing import Any

from django import forms
from django.utils.choices import BaseChoiceIterator

from accounts.models import Account
from csmportal.widgets import FastSelect

from .models import AccountWatch, Delivery


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label="How should new tickets reach you?",
        choices=[
            (Delivery.IMMEDIATE, "Email at once: one email per new ticket, seconds after it is opened"),
            (Delivery.DIGEST, "Hourly digest: one email an hour listing the new tickets"),
            (
                Delivery.DAILY,
                "Daily digest: one email each morning (08:00 your time) listing the new tickets",
            ),
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
    # Muting asks first: the form is posted again with confirm=yes from the confirmation.
    confirm = forms.BooleanField(required=False)


EMPTY_LABEL = "Choose an account…"


class AccountOptions(BaseChoiceIterator):
    """The select's options, read (one query, only when the select renders) as (id, name); a
    BaseChoiceIterator, so Django keeps it lazy instead of reading it when it is set."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def __iter__(self) -> Any:
        yield ("", EMPTY_LABEL)
        yield from self.queryset.values_list("pk", "name")


class FollowForm(forms.Form):
    """The preferences page's "Follow an account" (the account page has its own button)."""

    # Every account not yet followed (hundreds): the options are read as (id, name) pairs and
    # rendered in Python (FastSelect); the queryset still decides what may be chosen.
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(), label="Account", empty_label=EMPTY_LABEL, widget=FastSelect
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "follow")
        super().__init__(*args, **kwargs)
        watched = AccountWatch.objects.filter(user=user).values("account_id")
        field = self.fields["account"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Account.objects.live().exclude(csm=user).exclude(pk__in=watched).order_by("name")
        field.widget.choices = AccountOptions(field.queryset)
