"""Forms of the feedback pages. Bad input gets a field error and keeps what was typed."""

import uuid
from typing import Any

from django import forms
from django.urls import reverse

from accounts.models import Account
from csmportal.instances import GLOBAL
from csmportal.widgets import FastSelect
from tickets.models import Ticket

from .models import FORWARD_CHANNELS, Sentiment
from .references import parse_ticket
from .rotation import FIRST_DAY, LAST_DAY, in_rotation_range, support_managers
from .selectors import find_ticket, forwarding_accounts

TEXT_LIMIT = 20_000
YES_NO = [("yes", "Yes"), ("no", "No")]


class ForwardForm(forms.Form):
    account = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Filled in from the ticket when you give one.",
        widget=FastSelect,  # every account: hundreds of options
    )
    ticket = forms.CharField(
        required=False,
        max_length=500,
        label="Ticket",
        help_text="A ticket number, or any Zendesk link to it (also the /api/v2/tickets/N.json kind). "
        "Or type words from its subject to search.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sentiment = forms.ChoiceField(choices=Sentiment.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(
        choices=FORWARD_CHANNELS, widget=forms.RadioSelect, label="How the customer told you"
    )
    customer_words = forms.CharField(
        label="The customer's words",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="As close to what they said or wrote as you can.",
    )
    csm_context = forms.CharField(
        label="Your context",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the support managers should know: the account's situation, history, what you said.",
    )
    wants_manager_contact = forms.BooleanField(
        required=False,
        label="The customer asks to be contacted by a manager",
        help_text=(
            "A manager's first response is then due within 48 hours, Monday to Friday "
            "(weekends and the region's Zendesk holidays do not count)."
        ),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        mine, others = forwarding_accounts(user)
        groups: list[Any] = [("", "Choose an account")]
        if mine:
            groups.append(("Your accounts", mine))
        if others:
            groups.append(("Other accounts" if mine else "Accounts", others))
        self.fields["account"].choices = groups  # type: ignore[attr-defined]
        # Typing in the ticket field looks it up (htmx): a number or link is resolved,
        # words search ticket subjects; picking a result fills the field and the account. A field
        # already filled is looked up on load (static/feedback/feedback.js sends "lookup": an
        # htmx trigger filter would need eval, which the Content-Security-Policy refuses).
        self.fields["ticket"].widget.attrs.update(
            {
                "aria-describedby": "ticket-help",
                "data-lookup": "#ticket-lookup",  # Enter picks the result (static/js/portal.js)
                "data-lookup-on-load": "",
                "hx-get": reverse("feedback:ticket_lookup"),
                "hx-trigger": "input changed delay:350ms, lookup",
                "hx-target": "#ticket-lookup",
                "hx-swap": "outerHTML",
                "hx-include": "#id_account",
                "hx-sync": "this:replace",
            }
        )
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        self.resolved_ticket: Ticket | None = None
        self.zd_ticket_id: int | None = None
        self.zd_instance: str = GLOBAL

    def clean_ticket(self) -> str:
        text = self.cleaned_data.get("ticket", "").strip()
        if not text:
            return ""
        found = parse_ticket(text)
        if found is None:
            raise forms.ValidationError(
                "That isn't a ticket number or a Zendesk ticket link. Pick a ticket from the search "
                "results, paste its link, or type its number."
            )
        self.zd_ticket_id, self.zd_instance = found.number, found.instance
        self.resolved_ticket = find_ticket(found.number, found.instance, self.user)
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        account_id = data.get("account")
        ticket = self.resolved_ticket
        account = None
        if account_id:
            account = Account.objects.live().filter(pk=account_id).first()
            if account is None:
                self.add_error("account", "That account no longer exists.")
        elif ticket is not None and ticket.account is not None:
            account = ticket.account
        elif "account" not in self.errors:
            if self.zd_ticket_id and ticket is None:
                message = f"Ticket #{self.zd_ticket_id} isn't in the portal yet, so choose its account."
            elif ticket is not None:
                message = f"Ticket #{ticket.zd_id} isn't linked to an account yet, so choose the account."
            else:
                message = "Choose the account (or give a ticket and it is filled in)."
            self.add_error("account", message)
        if account is not None and ticket is not None and ticket.account_id not in (None, account.pk):
            self.add_error(
                "ticket",
                f"Ticket #{ticket.zd_id} belongs to {ticket.account}, not {account}. "
                "Check the ticket or the account.",
            )
        data["account_obj"] = account
        return data


class TriageForm(forms.Form):
    summary = forms.CharField(max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))
    action = forms.CharField(
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What support will do about it.",
    )
    contact_customer = forms.TypedChoiceField(
        choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect, label="Contact customer"
    )
    make_csm_aware = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Make CSM aware",
        help_text="Yes emails the CSM this triage now; the outcome is always sent.",
    )

    @classmethod
    def for_item(cls, item: Any) -> "TriageForm":
        def yes_no(value: bool | None) -> str | None:
            return None if value is None else ("yes" if value else "no")

        contact = item.contact_customer
        if contact is None and item.wants_manager_contact:
            contact = True  # the CSM said the customer asks for a manager: preselected
        return cls(
            initial={
                "summary": item.summary,
                "action": item.action,
                "contact_customer": yes_no(contact),
                "make_csm_aware": yes_no(item.make_csm_aware),
            },
            prefix="triage",
        )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done, as the CSM will read it.",
    )

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = required


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2}))


class ReassignForm(forms.Form):
    manager: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="Choose a manager", label="Reassign to"
    )
    note = forms.CharField(required=False, max_length=2000, label="Note (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = support_managers()  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))


def _monday(value: Any) -> Any:
    if not in_rotation_range(value):
        raise forms.ValidationError(f"Choose a week from {FIRST_DAY:%Y} to {LAST_DAY:%Y}.")
    if value.weekday() != 0:
        raise forms.ValidationError("A rotation week starts on a Monday.")
    return value


class RotationForm(forms.Form):
    week_start = forms.DateField(widget=forms.HiddenInput)
    manager: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Nobody"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = support_managers()  # type: ignore[attr-defined]

    def clean_week_start(self) -> Any:
        return _monday(self.cleaned_data["week_start"])


class TakeWeekForm(forms.Form):
    """A manager takes an empty week."""

    week_start = forms.DateField(widget=forms.HiddenInput)

    def clean_week_start(self) -> Any:
        return _monday(self.cleaned_data["week_start"])


class SwapWeeksForm(forms.Form):
    """A manager gives one of their weeks (`mine`) for another manager's week (`theirs`)."""

    mine = forms.DateField(label="Your week")
    theirs = forms.DateField(widget=forms.HiddenInput)
    with_manager: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["with_manager"].queryset = support_managers()  # type: ignore[attr-defined]

    def clean_mine(self) -> Any:
        return _monday(self.cleaned_data["mine"])

    def clean_theirs(self) -> Any:
        return _monday(self.cleaned_data["theirs"])
