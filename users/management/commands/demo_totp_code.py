import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .seed_demo import DEMO_ADMIN, DEMO_TOTP_SECRET

PERIOD = 30  # seconds a TOTP code lasts (RFC 6238, what allauth uses)


class Command(BaseCommand):
    help = (
        f"Print the current two-factor code of the demo admin ({DEMO_ADMIN}), as an authenticator "
        "app would show it (only when DEBUG or DEMO is on)."
    )

    def handle(self, *args: object, **options: Any) -> None:
        if not (settings.DEBUG or settings.DEMO):
            raise CommandError("The demo admin's code is only given when DEBUG or DEMO is on.")
        now = time.time()
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now // PERIOD)))
        left = PERIOD - int(now % PERIOD)
        self.stdout.write(f"{code}  (two-factor code for {DEMO_ADMIN}, valid for {left} more seconds)")
