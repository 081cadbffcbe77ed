"""Notifications: what the bell and the notifications list show, one row per person.

New tickets: one row per (ticket, recipient), claimed before any email goes out. The unique
row is the idempotency key: the webhook, the polling sync, retries and concurrent workers may
all ask to notify about the same ticket; only the one that inserts the row sends.

Events addressed to a person (their request claimed, their feedback triaged, a comment on
their item, a step assigned to them) are rows of the same table without a ticket: `kind` says
what happened, `summary` and `link` what the bell shows, `event_key` (unique per recipient)
makes recording them idempotent. Their emails, if any, are sent by the app they come from.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account
from tickets.models import Ticket


class Delivery(models.TextChoices):
    """How a person wants to hear about new tickets (their preference, copied onto each row)."""

    IMMEDIATE = "immediate", "Email at once"
    DIGEST = "digest", "Hourly digest email"
    IN_APP = "in_app", "In the portal only"
    DAILY = "daily", "Daily digest email"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Emailed"
    FAILED = "failed", "Email failed"
    NOT_EMAILED = "none", "In the portal only"


class Reason(models.TextChoices):
    CSM = "csm", "You are the account's CSM"
    FOLLOWER = "follower", "You follow the account"
    REQUESTER = "requester", "You filed it"
    FORWARDER = "forwarder", "You forwarded it"
    ASSIGNEE = "assignee", "It is with you"


class Kind(models.TextChoices):
    """What a notification is about: a new ticket, or an event addressed to the person."""

    NEW_TICKET = "new_ticket", "New ticket"
    ASSIGNED = "assigned", "Assigned to you"
    CLAIMED = "claimed", "Claimed"
    DONE = "done", "Done"
    VERIFIED = "verified", "Verified"
    DECLINED = "declined", "Declined"
    FLAGGED = "flagged", "Flagged"
    CANCELLED = "cancelled", "Cancelled"
    TRIAGED = "triaged", "Triaged"
    ACTIONED = "actioned", "Actioned"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    COMMENTED = "commented", "Comment"


class Notification(models.Model):
    # Defaults in the database too: the rule inserts new-ticket rows with raw SQL (ON CONFLICT).
    kind = models.CharField(
        max_length=12, choices=Kind.choices, default=Kind.NEW_TICKET, db_default=Kind.NEW_TICKET
    )
    # New-ticket notifications only; events addressed to a person have none.
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_notifications"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    # Events: who acted, on which account, the one line the bell shows and where it leads.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    summary = models.CharField(max_length=300, blank=True, default="", db_default="")
    link = models.CharField(max_length=300, blank=True, default="", db_default="")  # a portal path
    event_key = models.CharField(max_length=64, blank=True, default="", db_default="")  # "app.Model:pk"
    # The Zendesk instance of what it is about (the ticket's; the feedback's or request's ticket
    # or organization), "" when it is about no instance's data (an account, a checklist step):
    # a row of a restricted instance is shown and emailed only to people cleared for it.
    zd_instance = models.CharField(max_length=20, blank=True, default="", db_default="")
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices)
    # The sender that claimed the email (conditional UPDATE); a claim older than the lease
    # (a worker that died mid-send) may be taken over by the next attempt or the sweep.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Exactly once per ticket and recipient: the row is claimed before anything is sent.
            models.UniqueConstraint(fields=["ticket", "recipient"], name="notification_ticket_recipient"),
            # An event notifies each person once, however often it is recorded.
            models.UniqueConstraint(
                fields=["event_key", "recipient"],
                condition=~Q(event_key=""),
                name="notification_event_recipient",
            ),
        ]
        indexes = [
            # The notifications list: a person's notifications, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_created"),
            # The bell: a person's unread count.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The hourly task: digests to send and emails stuck in flight.
            models.Index(
                fields=["email_status", "recipient"],
                condition=Q(email_status__in=["pending", "sending"]),
                name="notification_email_todo",
            ),
        ]

    def __str__(self) -> str:
        about = f"#{self.ticket_id}" if self.ticket_id else self.event_key
        return f"{about} -> {self.recipient_id}"

    @property
    def is_event(self) -> bool:
        return self.kind != Kind.NEW_TICKET

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A person's choice; no row means the default (email at once)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"


class WatchKind(models.TextChoices):
    FOLLOW = "follow", "Following"
    MUTE = "mute", "Muted"


class AccountWatch(models.Model):
    """Follow an account you are not the CSM of, or mute one (at most one per person and account)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_watches"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="watches")
    kind = models.CharField(max_length=10, choices=WatchKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "account"], name="accountwatch_user_account"),
        ]
        indexes = [
            # The rule: followers and mutes of the accounts of a page of new tickets.
            models.Index(fields=["account", "kind"], name="accountwatch_account_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.account_id}"


class FindingReason(models.TextChoices):
    DELETED = "deleted", "Deleted in Zendesk"
    NO_ORGANIZATION = "no_org", "No organization"
    UNLINKED_ORGANIZATION = "unlinked_org", "Organization not linked to an account"
    NO_RECIPIENT = "no_recipient", "Account has no CSM and no followers"


class Finding(models.Model):
    """A new ticket that notified nobody, and why (shown to CSMs and admins)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="notification_finding")
    reason = models.CharField(max_length=16, choices=FindingReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when a later re-check (the org got linked, the account got a CSM) notified someone.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Findings page (open ones, newest first) and the re-check after an org/account sync.
            models.Index(
                fields=["-created_at"], condition=Q(resolved_at__isnull=True), name="finding_open_created"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.reason}"


class OutboxMessage(models.Model):
    """Every email the outbox mail backend handed on (demo mode): shown to admins."""

    to = models.TextField()  # comma-separated
    subject = models.CharField(max_length=998)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Outbox page, newest first (and the pruning of old messages).
            models.Index(fields=["-created_at"], name="outbox_created"),
        ]

    def __str__(self) -> str:
        return self.subject
