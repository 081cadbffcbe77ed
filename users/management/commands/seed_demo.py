from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from users.models import User
from users.roles import Role

DEMO_PASSWORD = "demo-portal-pass"
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
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {role:<16} {email}")

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
        return users
