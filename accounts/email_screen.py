"""The one email screen: the education email and an onboarding step's email share it.

Both are an email to one of the account's own people (the recipient rules are
`accounts.recipients`), drafted by the portal and edited by the sender. The screen shows the
recipients to choose from, the draft, a preview of the email exactly as it will leave (updated
as the sender types; a "Preview" button without JavaScript) and, once sent, takes the sender
back where they came from (`next`, e.g. the ticket or the account's checklist) with the
confirmation there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from csmportal.versions import one_cached

from .forms import AccountEmailForm
from .models import Account
from .recipients import Recipient


@dataclass
class EmailScreen:
    title: str
    intro: str
    back_url: str  # where the sender came from: Cancel, and where the confirmation shows
    back_label: str
    may_send: bool
    recipients: list[Recipient]
    to_help: str
    aside: str = ""  # a template with the flow's own cards (what it teaches, the template, ...)
    hidden: dict[str, str] = field(default_factory=dict)  # kept across posts (next, ticket)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (badge level, text)
    cannot_send: str = ""  # why this user may only copy the text


def next_url(request: HttpRequest, default: str) -> str:
    """The page the sender came from (a path on this site only), else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def screen_recipients(
    request: HttpRequest, account: Account, read: Callable[[], list[Recipient]]
) -> list[Recipient]:
    """The recipients the screen offers (`read()`): cached with the account's version
    (csmportal.versions) to show the screen; read now to check a post (a send, a preview)."""
    if request.method != "GET":
        return read()
    return one_cached(account.pk, request.user, "recipients", read)


def send_requested(request: HttpRequest, form: AccountEmailForm) -> bool:
    """The sender pressed Send (not Preview, not the live preview) and the form is valid."""
    return request.method == "POST" and not request.POST.get("preview") and form.is_valid()


def email_preview(form: AccountEmailForm, sender: Any) -> dict[str, str]:
    """The email as it will leave: what the sender typed (or the draft), headers included."""

    def value(name: str) -> Any:
        if form.is_bound:
            return form.data.get(name, "")
        return form.initial.get(name, form.fields[name].initial)

    sender_email = getattr(sender, "email", "") or ""
    copy = (
        bool(value("copy_me")) if not form.is_bound else form.data.get("copy_me") not in (None, "", "false")
    )
    return {
        "from": settings.DEFAULT_FROM_EMAIL,
        "reply_to": sender_email,
        "to": str(value("to") or "").strip(),
        "cc": sender_email if copy and sender_email else "",
        "subject": str(value("subject") or "").strip(),
        "body": str(value("body") or "").replace("\r\n", "\n"),
    }


def email_screen_render(
    request: HttpRequest,
    *,
    account: Account,
    form: AccountEmailForm,
    screen: EmailScreen,
    **context: Any,
) -> HttpResponse:
    """The screen, or (htmx preview while typing) only its preview."""
    data = {"account": account, "form": form, "screen": screen, "preview": email_preview(form, request.user)}
    if getattr(request, "htmx", False) and request.POST.get("preview"):
        return render(request, "accounts/email_screen.html#preview", data)
    return render(request, "accounts/email_screen.html", {**data, **context})
