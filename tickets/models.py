"""Zendesk tickets (with comments) and the Salesforce cases created for them."""

from django.db import models
from django.urls import reverse

from accounts.links import zendesk_ticket_url
from accounts.mirror import MirrorManager
from accounts.models import Account, Organization
from contacts.models import Contact, SupportUser
from csmportal.instances import GLOBAL, VisibleQuerySet

from .review.checks import Check


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    HOLD = "hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"
    DELETED = "deleted", "Deleted"


# "Open" means one thing everywhere in the portal: not solved, closed or deleted (Zendesk's
# new, open, pending and on-hold). Counts read `Ticket.objects.open()`; the dashboard's status
# filter "Open" (`?status=unsolved`, `tickets.links.open_tickets_url`) lists exactly those rows.
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.HOLD)
IS_OPEN = models.Q(status__in=OPEN_STATUSES)  # the same, for a filtered aggregate


class TicketQuerySet(VisibleQuerySet):
    def live(self) -> "TicketQuerySet":
        """Tickets not deleted in Zendesk (a deleted ticket keeps its row, status "deleted")."""
        return self.exclude(status=Status.DELETED)

    def open(self) -> "TicketQuerySet":
        """Open tickets: not solved, closed or deleted. The one definition every count uses."""
        return self.filter(IS_OPEN)


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


class PreferredRegion(models.TextChoices):
    """The ticket's "Preferred Region for Support" field (a region limits SLA to its hours)."""

    ALL = "all_regions", "All Regions"
    AMER = "americas_usa", "Americas USA"
    APAC = "asia_pacific", "Asia Pacific"
    EMEA = "europe_middle_east_africa", "Europe Middle East Africa"


class SlaState(models.TextChoices):
    NONE = "", "No SLA"
    DUE = "due", "First reply due"
    MET = "met", "First reply in time"
    BREACHED = "breached", "Breached"


def ticket_path(zd_id: int, instance: str = GLOBAL) -> str:
    """The portal address of a ticket by its instance and Zendesk number."""
    if instance == GLOBAL:
        return reverse("tickets:detail", args=[zd_id])
    return reverse("tickets:detail_in", args=[instance, zd_id])


class Ticket(models.Model):
    zd_id = models.BigIntegerField("Zendesk ID")
    # The Zendesk instance the row comes from (csmportal.instances); zd_id is unique per instance.
    zd_instance = models.CharField("Zendesk instance", max_length=20, default="global", db_default="global")
    zd_organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    # Resolved through organization -> account; denormalised so dashboards filter in one index.
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    zd_requester_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    requester = models.ForeignKey(
        SupportUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    subject = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    ticket_type = models.CharField(max_length=20, blank=True)
    preferred_region = models.CharField(max_length=32, choices=PreferredRegion.choices, blank=True)
    tags = models.JSONField(default=list, blank=True)
    via_channel = models.CharField(max_length=40, blank=True)
    zd_created_at = models.DateTimeField("opened")
    zd_updated_at = models.DateTimeField()
    # Zendesk's export position of this version; an older version never overwrites a newer one.
    generated_timestamp = models.BigIntegerField(default=0)
    # SLA (first reply), from Zendesk's SLA policy metrics.
    sla_policy = models.CharField(max_length=120, blank=True)
    sla_state = models.CharField(max_length=10, choices=SlaState.choices, blank=True)
    first_reply_due_at = models.DateTimeField(null=True, blank=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    # The first-reply SLA the dashboards filter on: Zendesk's due time and first reply when the
    # sync has them, else the portal's own (plan policy + region business hours, tickets/sla.py).
    sla_due_at = models.DateTimeField("first reply due", null=True, blank=True)
    sla_replied_at = models.DateTimeField("first reply", null=True, blank=True)
    # Best-practice review: a score (0-100) and the explainable findings behind it (one dict per
    # check, see tickets/review); recomputed whenever the ticket or its comments are synced.
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True)
    quality_findings = models.JSONField(default=list, blank=True)
    quality_checked_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    synced_at = models.DateTimeField(auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        constraints = [
            # zd_id first: a lookup by number alone uses it too.
            models.UniqueConstraint(fields=["zd_id", "zd_instance"], name="ticket_zd_id_instance"),
        ]
        ordering = ["-zd_created_at"]
        indexes = [
            # Dashboard default view: an account's (or a CSM's accounts') newest tickets.
            models.Index(fields=["account", "-zd_created_at"], name="ticket_account_created"),
            # Dashboard with no account chosen, newest first.
            models.Index(fields=["-zd_created_at"], name="ticket_created"),
            # Dashboard sorted by "recently updated" (any CSM).
            models.Index(fields=["-zd_updated_at"], name="ticket_updated"),
            # Dashboard sorted by "lowest score first" (any CSM).
            models.Index(fields=["quality_score", "-zd_created_at"], name="ticket_score"),
            # Dashboard "Not solved" (and the SLA due/breached filters with it), any CSM, newest
            # first: open tickets are a small part of all tickets, so this index stays small.
            models.Index(
                fields=["-zd_created_at"],
                condition=models.Q(status__in=["new", "open", "pending", "hold"]),
                name="ticket_open_created",
            ),
            # An account's open tickets counted (the portfolio's column, the account page, the
            # home page): an index-only scan of its few open rows, not a read of every ticket it
            # ever had (at 100,000 tickets the portfolio's totals took 2-3 s without it). The
            # instance is in it for the access rule's filter, the id so no row is read.
            models.Index(
                fields=["account", "zd_instance", "id"],
                condition=models.Q(status__in=["new", "open", "pending", "hold"]),
                name="ticket_account_open",
            ),
            # The dashboard's capped count of a CSM's tickets (every status but deleted, up to
            # 10,001 of them): an index-only scan, not a read of the table until that many
            # match (25-35 ms for a CSM of 200 accounts at 100,000 tickets; 4 ms from this).
            models.Index(
                fields=["account", "zd_instance", "id"],
                condition=~models.Q(status="deleted"),
                name="ticket_account_live",
            ),
        ]
        # PostgreSQL also has a trigram index on UPPER(subject) for the dashboard's search
        # (migration 0002; `subject__icontains` compiles to UPPER(subject) LIKE UPPER(...)).

    def __str__(self) -> str:
        return f"#{self.zd_id} {self.subject}"

    def get_absolute_url(self) -> str:
        """The ticket's page in the portal, addressed by its Zendesk number: `/tickets/1854/` for
        the global instance, `/tickets/<instance>/1854/` for another one's."""
        return ticket_path(self.zd_id, self.zd_instance)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def agent_url(self) -> str:
        """The page a person opens in Zendesk (never the /api/v2/... JSON address)."""
        return zendesk_ticket_url(self.zd_id, self.zd_instance)

    @property
    def reference(self) -> str:
        """What a person types or pastes to name this ticket (feedback.references reads it):
        the number (`1854`) for the global instance's, the agent link for another instance's."""
        return str(self.zd_id) if self.zd_instance == GLOBAL else self.agent_url


class TicketGap(models.Model):
    """A best-practice check a ticket did not pass: one row per ticket and check.

    A copy of the gaps in `Ticket.quality_findings`, kept so the dashboard can filter by
    finding and the account review can count the most common gaps with an index.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="gaps")
    code = models.CharField(max_length=20, choices=Check.choices)

    class Meta:
        constraints = [
            # One row per ticket and check; also the index of "does this ticket have gap X".
            models.UniqueConstraint(fields=["ticket", "code"], name="ticketgap_ticket_code"),
        ]
        indexes = [
            # Dashboard filtered by a finding with no account chosen: tickets having gap X.
            models.Index(fields=["code", "ticket"], name="ticketgap_code_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} on ticket {self.ticket_id}"


class Comment(models.Model):
    """A ticket comment; comments may arrive before their ticket, so the link is by Zendesk ID."""

    zd_id = models.BigIntegerField("Zendesk ID")
    # The Zendesk instance the row comes from (csmportal.instances); zd_id is unique per instance.
    zd_instance = models.CharField("Zendesk instance", max_length=20, default="global", db_default="global")
    zd_ticket_id = models.BigIntegerField(db_index=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    # Linking comments whose author arrived in a later users sync (integrations.links).
    zd_author_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        SupportUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    public = models.BooleanField(default=True)
    body = models.TextField(blank=True)
    # [{"id", "file_name", "content_type", "size", "content_url"}]
    attachments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    synced_at = models.DateTimeField(auto_now=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        constraints = [
            # zd_id first: a lookup by number alone uses it too.
            models.UniqueConstraint(fields=["zd_id", "zd_instance"], name="comment_zd_id_instance"),
        ]
        ordering = ["created_at", "zd_id"]
        indexes = [
            # Ticket page timeline.
            models.Index(fields=["ticket", "created_at"], name="comment_ticket_created"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.zd_id} on #{self.zd_ticket_id}"


class Case(models.Model):
    """The Salesforce case created for a Zendesk ticket."""

    sf_id = models.CharField("Salesforce ID", max_length=18, unique=True)
    case_number = models.CharField(max_length=30, blank=True)
    zd_ticket_id = models.BigIntegerField(null=True, blank=True, db_index=True)  # case -> ticket
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    sf_account_id = models.CharField(max_length=18, blank=True, db_index=True)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    sf_contact_id = models.CharField(max_length=18, blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    subject = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=40, blank=True)
    priority = models.CharField(max_length=40, blank=True)
    origin = models.CharField(max_length=40, blank=True)
    sf_created_at = models.DateTimeField(null=True, blank=True)
    sf_modstamp = models.DateTimeField(null=True, blank=True)
    # Deleted in Salesforce: kept, shown nowhere.
    deleted_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    objects = MirrorManager()

    class Meta:
        ordering = ["-sf_created_at"]

    def __str__(self) -> str:
        return f"Case {self.case_number}"


class Schedule(models.Model):
    """A Zendesk schedule (business hours and holidays), mirrored by the zendesk.schedules
    stream. The SLA clock and feedback due dates use a region's schedule when Zendesk has one
    (tickets/schedules.py maps regions to schedules by name)."""

    zd_id = models.BigIntegerField("Zendesk ID")
    # The Zendesk instance the row comes from (csmportal.instances); zd_id is unique per instance.
    zd_instance = models.CharField("Zendesk instance", max_length=20, default="global", db_default="global")
    name = models.CharField(max_length=255)
    time_zone = models.CharField(max_length=100, blank=True)  # Zendesk's name, e.g. "London"
    tz_name = models.CharField(max_length=64, blank=True)  # IANA, "" when the portal cannot map it
    # [[start, end], ...] in minutes from Sunday 00:00 local time, as Zendesk sends them.
    intervals = models.JSONField(default=list, blank=True)
    # [{"id", "name", "start_date", "end_date"}, ...] (inclusive local dates).
    holidays = models.JSONField(default=list, blank=True)
    zd_updated_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # zd_id first: a lookup by number alone uses it too.
            models.UniqueConstraint(fields=["zd_id", "zd_instance"], name="schedule_zd_id_instance"),
        ]
        ordering = ["name", "zd_id"]

    def __str__(self) -> str:
        return self.name
