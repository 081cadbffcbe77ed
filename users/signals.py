"""What the users app tells the rest of the portal."""

from django.dispatch import Signal

# kwargs: user (users.models.User). The user's own address was proven (verified) or changed:
# whatever matches people by verified email (the CSM of Salesforce accounts) must look again.
# Sent synchronously, inside the transaction that changed the address.
email_changed = Signal()
