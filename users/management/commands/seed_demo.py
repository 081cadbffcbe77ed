from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

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
    help = "Create one demo login per role (only when DEBUG or DEMO is on) and print them."

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.DEBUG or settings.DEMO):
            raise CommandError("Demo users are only created when DEBUG or DEMO is on.")
        for email, name, role in DEMO_USERS:
            user, created = User.objects.get_or_create(email=email, defaults={"name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role == Role.ADMIN
                user.is_superuser = role == Role.ADMIN
                user.save()
            user.groups.add(Group.objects.get(name=role))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {role:<16} {email}")
