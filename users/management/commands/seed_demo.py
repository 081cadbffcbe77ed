from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from csmportal import instances
from users.models import Clearance, User
from users.roles import Role

DEMO_PASSWORD = "demo-portal-pass"
# Admins must use two-factor (users.two_factor): the demo admin's authenticator has this key,
# so whoever tries the demo can add it to an app or run `manage.py demo_totp_code`.
DEMO_ADMIN = "admin@example.com"
DEMO_TOTP_SECRET = "KRSXG5CTMVRXEZLUKN2G64TFONXW4ZLZ"
# With a restricted Zendesk instance configured (the demo's US Government one), this login is
# cleared for it and the second CSM is not: log in as each to see the access rule.
DEMO_CLEARED = "csm@example.com"
DEMO_USERS = [
    ("csm@example.com", "Demo CSM", Role.CSM),
    ("csm2@example.com", "Second CSM", Role.CSM),
    ("manager@example.com", "Demo Support Manager", Role.SUPPORT_MANAGER),
    ("ops@example.com", "Demo Support Ops", Role.SUPPORT_OPS),
    ("admin@example.com", "Demo Admin", Role.ADMIN),
]


class Command(BaseCommand):
    help = (
        "Create one demo login per role (only when DEBUG or DEMO is on) and print them. "
        "With --activity (after the first sync), also file some feedback and support-ops "
        "requests through the portal's own services, so every role's home page has work on it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--activity",
            action="store_true",
            help="Also put the demo manager on duty and file demo feedback and requests (once).",
        )

    def handle(self, *args: object, **options: Any) -> None:
        if not (settings.DEBUG or settings.DEMO):
            raise CommandError("Demo users are only created when DEBUG or DEMO is on.")
        users = self.create_users()
        if options["activity"]:
            from users.demo_activity import seed_activity

            for line in seed_activity(users):
                self.stdout.write(line)
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        restricted = [i for i in instances.all_instances() if i.restricted]
        for email, _name, role in DEMO_USERS:
            cleared = email == DEMO_CLEARED and restricted
            note = f"  (cleared for {', '.join(i.name for i in restricted)})" if cleared else ""
            self.stdout.write(f"  {role:<16} {email}{note}")
        self.stdout.write(
            f"  {DEMO_ADMIN} also asks for a two-factor code: run `make demo-code` (or "
            f"`manage.py demo_totp_code`), or add the key {DEMO_TOTP_SECRET} to an authenticator app."
        )

    def create_users(self) -> dict[str, User]:
        users = {}
        for email, name, role in DEMO_USERS:
            user, created = User.objects.get_or_create(email=email, defaults={"name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role == Role.ADMIN
                user.is_superuser = role == Role.ADMIN
                user.save()
            user.groups.add(Group.objects.get(name=role))
            # The operator who seeds the demo vouches for its addresses (matching needs verified).
            EmailAddress.objects.get_or_create(
                user=user, email=user.email.lower(), defaults={"primary": True, "verified": True}
            )
            users[email] = user
        for instance in instances.all_instances():
            if instance.restricted:
                Clearance.objects.get_or_create(user=users[DEMO_CLEARED], instance=instance.key)
        admin = users[DEMO_ADMIN]
        if not Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(admin, DEMO_TOTP_SECRET)
        return users
