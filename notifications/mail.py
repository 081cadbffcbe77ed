"""The outbox mail backend (demo mode): keeps every email in the database for the admins'
Outbox page, and also prints a one-line summary to the log. Select it with EMAIL_URL=outbox://.
"""

import logging
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from .models import OutboxMessage

        rows = [OutboxMessage(**self._fields(message)) for message in email_messages]
        OutboxMessage.objects.bulk_create(rows)
        for row in rows:
            log.info("email to %s: %s", row.to, row.subject)
        return len(rows)

    @staticmethod
    def _fields(message: EmailMessage) -> dict[str, Any]:
        html: object = ""
        if isinstance(message, EmailMultiAlternatives):
            html = next(
                (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
            )
        recipients = list(message.to) + list(message.cc) + list(message.bcc)
        return {
            "to": ", ".join(recipients),
            "subject": str(message.subject)[:998],
            "body": str(message.body),
            "html": str(html),
            "headers": {
                "From": message.from_email,
                **{k: str(v) for k, v in (message.extra_headers or {}).items()},
            },
        }
