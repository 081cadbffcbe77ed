"""Satisfaction ratings from Zendesk, customer feedback that CSMs forward to support managers,
its history, and the managers' weekly review rotation."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Organization
from contacts.models import SupportUser
from csmportal.instances import VisibleQuerySet
from tickets.models import Ticket


class Score(models.TextChoices):
    GOOD = "good", "Good"
    BAD = "bad", "Bad"
    OFFERED = "offered", "Offered"
    UNOFFERED = "unoffered", "Not offered"


RATED_SCORES = (Score.GOOD, Score.BAD)


class Rating(models.Model):
    """A Zendesk satisfaction rating (written by the sync; the portal only reads it)."""

    zd_id = models.BigIntegerField("Zendesk ID")
    # The Zendesk instance the row comes from (csmportal.instances); zd_id is unique per instance.
    zd_instance = models.CharField("Zendesk instance", max_length=20, default="global", db_default="global")
    zd_ticket_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    zd_organization_id = models.BigIntegerField(null=True, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    zd_requester_id = models.BigIntegerField(null=True, blank=True)
    requester = models.ForeignKey(
        SupportUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    score = models.CharField(max_length=10, choices=Score.choices)
    comment = models.TextField(blank=True)
    reason = models.CharField(max_length=255, blank=True)
    zd_created_at = models.DateTimeField()
    zd_updated_at = models.DateTimeField()
    synced_at = models.DateTimeField(auto_now=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        constraints = [
            # zd_id first: a lookup by number alone uses it too.
            models.UniqueConstraint(fields=["zd_id", "zd_instance"], name="rating_zd_id_instance"),
        ]
        ordering = ["-zd_created_at"]
        indexes = [
            # Account page, cadence page and trend chart: an account's ratings over time.
            models.Index(fields=["account", "-zd_created_at"], name="rating_account_created"),
            # Ratings page with no account chosen, newest first (ordered by zd_created_at, pk):
            # reads just one page, whatever the table's statistics say.
            models.Index(fields=["-zd_created_at", "-id"], name="rating_created_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_score_display()} rating on #{self.zd_ticket_id}"

    @property
    def can_become_feedback(self) -> bool:
        """A bad rating with a comment on a known account can be forwarded as feedback."""
        return self.score == Score.BAD and bool(self.comment.strip()) and self.account_id is not None


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    SURVEY = "survey", "Satisfaction survey"  # forwarded from a Zendesk rating


# What a CSM picks on the forward form (survey items come from a rating, in one click).
FORWARD_CHANNELS = [(c.value, c.label) for c in (Channel.EMAIL, Channel.CALL, Channel.MEETING)]


class FeedbackStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    ACTIONED = "actioned", "Actioned"
    CLOSED = "closed", "Closed"


OPEN_FEEDBACK = (FeedbackStatus.NEW, FeedbackStatus.TRIAGED, FeedbackStatus.ACTIONED)


class Feedback(models.Model):
    """Customer feedback on a support ticket, forwarded by a CSM to the support managers."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="feedback")
    # The ticket as the CSM gave it; `ticket` is linked when (or once) the sync has it.
    zd_ticket_id = models.BigIntegerField("Zendesk ticket", null=True, blank=True, db_index=True)
    # The Zendesk instance of that ticket (csmportal.instances): numbers are unique per instance.
    zd_instance = models.CharField("Zendesk instance", max_length=20, default="global", db_default="global")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_forwarded"
    )
    # The forward form's one-time key: a double submit returns the first item, not a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    customer_words = models.TextField("the customer's words")
    csm_context = models.TextField("context from the CSM", blank=True)
    wants_manager_contact = models.BooleanField(
        "the customer asks to be contacted by a manager", default=False
    )
    status = models.CharField(max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    reviewing_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_reviewing",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # Triage, with the handbook's fields.
    summary = models.TextField(blank=True)
    action = models.TextField(blank=True)
    contact_customer = models.BooleanField(null=True, blank=True)
    make_csm_aware = models.BooleanField(null=True, blank=True)
    # What was done, as the CSM reads it.
    outcome = models.TextField(blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    due_rule = models.CharField(max_length=200, blank=True)  # how the due date was worked out
    first_responded_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    actioned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The issue filed for it in the support Feedback project (GitLab), when GitLab is configured,
    # and what the portal could not do there (e.g. no GitLab user has the manager's email).
    gitlab_project = models.CharField(max_length=255, blank=True)
    gitlab_iid = models.PositiveIntegerField(null=True, blank=True)
    gitlab_state = models.CharField(max_length=10, blank=True)
    gitlab_finding = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        indexes = [
            # Managers' queue: items by status, oldest due first.
            models.Index(fields=["status", "first_response_due_at"], name="feedback_status_due"),
            # Managers' queue filtered to "mine": a manager's items by status.
            models.Index(fields=["reviewing_manager", "status"], name="feedback_manager_status"),
            # A CSM's list: what they forwarded, newest first.
            models.Index(fields=["forwarded_by", "-created_at"], name="feedback_forwarder_created"),
            # Account panel and cadence page: an account's items, newest first.
            models.Index(fields=["account", "-created_at"], name="feedback_account_created"),
        ]
        constraints = [
            # One rating becomes at most one feedback item (the one-click forward is idempotent).
            models.UniqueConstraint(
                fields=["rating"], condition=Q(rating__isnull=False), name="feedback_one_item_per_rating"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_sentiment_display()} feedback from {self.account}"

    @property
    def ticket_number(self) -> int | None:
        return self.ticket.zd_id if self.ticket_id and self.ticket else self.zd_ticket_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FEEDBACK

    @property
    def awaiting_first_response(self) -> bool:
        return self.first_responded_at is None and self.status != FeedbackStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        due = self.first_response_due_at
        return self.awaiting_first_response and due is not None and due < timezone.now()

    @property
    def is_due_soon(self) -> bool:
        """Not overdue yet, but due within a day."""
        due = self.first_response_due_at
        if not self.awaiting_first_response or due is None:
            return False
        now = timezone.now()
        return now <= due < now + dt.timedelta(days=1)


class EventKind(models.TextChoices):
    FORWARDED = "forwarded", "Forwarded"
    ASSIGNED = "assigned", "Assigned"
    REASSIGNED = "reassigned", "Reassigned"
    TRIAGED = "triaged", "Triaged"
    TRIAGE_EDITED = "triage_edited", "Triage edited"
    ACTIONED = "actioned", "Actioned"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    COMMENTED = "commented", "Comment"
    TICKET_LINKED = "ticket_linked", "Ticket synced"


class FeedbackEvent(models.Model):
    """One line of an item's history: every transition, assignment and comment."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # null: the portal itself (automatic assignment, ticket linked by the sync)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=10, choices=FeedbackStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=FeedbackStatus.choices, blank=True)
    body = models.TextField(blank=True)  # the comment, outcome or reason, as written
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # claimed before sending: at most once
    # GitLab: the issue note this event is (mirrored or posted), and when it was handed to GitLab.
    gitlab_note_id = models.BigIntegerField(null=True, blank=True, unique=True)
    gitlab_pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Item page: the timeline, oldest first.
            models.Index(fields=["feedback", "created_at"], name="feedbackevent_item_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on feedback {self.feedback_id}"


class RotationWeek(models.Model):
    """The support manager who reviews new feedback in one week (Monday to Sunday, UTC)."""

    week_start = models.DateField(unique=True, help_text="The Monday the week starts on.")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["week_start"]

    def __str__(self) -> str:
        return f"Week of {self.week_start:%Y-%m-%d}: {self.manager or 'nobody'}"

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)
