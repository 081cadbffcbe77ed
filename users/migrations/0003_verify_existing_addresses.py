"""Matching people by email now needs a verified address (an allauth EmailAddress row).

- A user with no row for their own address got it from an admin (invitation, the admin, a
  command): marked verified if they have used the portal (a usable password or a past login).
  A pending invitation stays unverified until its link is used.
- A row that is not verified stays so: the address came from open sign-up or from the email
  page people could use to add any address; its owner confirms it (the link is sent again when
  they log in while sign-up is open) or an admin changes it.
- Unverified extra addresses (other than the user's own) are deleted: people no longer add
  addresses, and a password-reset link could otherwise be mailed to one.
"""

from django.contrib.auth.hashers import is_password_usable
from django.db import migrations
from django.db.models.functions import Lower


def verify_existing(apps, schema_editor):
    User = apps.get_model("users", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.all().iterator():
        own = EmailAddress.objects.filter(user_id=user.pk).annotate(low=Lower("email"))
        EmailAddress.objects.filter(user_id=user.pk, verified=False).exclude(
            pk__in=own.filter(low=user.email.lower()).values("pk")
        ).delete()
        if own.filter(low=user.email.lower()).exists():
            continue
        if not (is_password_usable(user.password) or user.last_login):
            continue
        if EmailAddress.objects.filter(email__iexact=user.email, verified=True).exists():
            continue  # someone else proved this address: an admin sorts it out
        EmailAddress.objects.filter(user_id=user.pk, primary=True).update(primary=False)
        EmailAddress.objects.create(user_id=user.pk, email=user.email.lower(), primary=True, verified=True)


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0002_roles"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_existing, migrations.RunPython.noop)]
