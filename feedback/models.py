"""Satisfaction ratings from Zendesk, and customer feedback that CSMs forward to managers."""

from django.conf import settings
from django.db import models

from accounts.models import Account, Organization
from contacts.models import SupportUser
from tickets.models import Ticket


class Score(models.TextChoices):
    GOOD = "good", "Good"
    BAD = "bad", "Bad"
    OFFERED = "offered", "Offered"
    UNOFFERED = "unoffered", "Not offered"


class Rating(models.Model):
    """A Zendesk satisfaction rating."""

    zd_id = models.BigIntegerField("Zendesk ID", unique=True)
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

    class Meta:
        ordering = ["-zd_created_at"]
        indexes = [
            # Account page and trend chart: an account's ratings over time.
            models.Index(fields=["account", "-zd_created_at"], name="rating_account_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_score_display()} rating on #{self.zd_ticket_id}"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"


class FeedbackStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    ACTIONED = "actioned", "Actioned"
    CLOSED = "closed", "Closed"


class Feedback(models.Model):
    """Customer feedback on a support ticket, forwarded by a CSM to the support managers."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="feedback")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_forwarded"
    )
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
    # Triage, with the handbook's fields.
    summary = models.TextField(blank=True)
    action = models.TextField(blank=True)
    contact_customer = models.BooleanField(null=True, blank=True)
    make_csm_aware = models.BooleanField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Managers' queue: items by status, oldest due first.
            models.Index(fields=["status", "first_response_due_at"], name="feedback_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_sentiment_display()} feedback from {self.account}"
