"""The outbox mail backend (demo mode): keeps every email in the database for the admins'
Outbox page, and also prints a one-line summary to the log. Select it with EMAIL_URL=outbox://.

Links that let their holder into an account (a password reset, an invitation, an email
confirmation: any portal route that takes a key or a token) are stored masked, so no admin can
take over another person's account from the Outbox page. In the demo (DEBUG or DEMO on) the
real link is printed on the console instead, for the person trying it.
"""

import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import Resolver404, resolve

log = logging.getLogger(__name__)

# A URL runs to the first space, quote or angle bracket: one linear pass, no backtracking.
URL = re.compile(r"""https?://[^\s<>"']+""")
# A route taking one of these arguments carries a secret in its address.
SECRET_ARGUMENTS = frozenset({"key", "token", "uidb36", "uidb64", "signature", "code"})
MASKED = "[one-time link hidden from the outbox: only its recipient gets it]"


def _carries_a_secret(url: str) -> bool:
    path = urlsplit(url).path
    for candidate in (path, path.rstrip(".,;:!?)]}")):  # a link ending a sentence
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if SECRET_ARGUMENTS.intersection(match.kwargs):
            return True
    return False


def mask_secret_links(text: str) -> tuple[str, list[str]]:
    """The text with every account link masked, and the links masked."""
    found: list[str] = []

    def replace(match: re.Match[str]) -> str:
        url = match.group(0)
        if not _carries_a_secret(url):
            return url
        found.append(url)
        return MASKED

    return URL.sub(replace, text), found


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from .models import OutboxMessage

        kept = [self._fields(message) for message in email_messages]
        rows = [OutboxMessage(**fields) for fields, _links in kept]
        OutboxMessage.objects.bulk_create(rows)
        demo = settings.DEBUG or settings.DEMO
        for row, (_fields, links) in zip(rows, kept, strict=True):
            log.info("email to %s: %s", row.to, row.subject)
            for link in links:
                if demo:
                    log.warning("demo: the one-time link in the email to %s: %s", row.to, link)
                else:
                    log.info("email to %s: its one-time link is not kept", row.to)
        return len(rows)

    @staticmethod
    def _fields(message: EmailMessage) -> tuple[dict[str, Any], list[str]]:
        html: object = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next(
                (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
            )
        recipients = list(message.to) + list(message.cc) + list(message.bcc)
        body, body_links = mask_secret_links(str(message.body))
        masked_html, html_links = mask_secret_links(str(html))
        fields = {
            "to": ", ".join(recipients),
            "subject": str(message.subject)[:998],
            "body": body,
            "html": masked_html,
            "headers": {
                "From": message.from_email,
                **{k: str(v) for k, v in (message.extra_headers or {}).items()},
            },
        }
        return fields, list(dict.fromkeys(body_links + html_links))
