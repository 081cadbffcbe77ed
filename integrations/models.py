"""Sync bookkeeping: one SyncState per stream (cursor, lock) and a SyncRun per run.

A stream's key is its name (``Stream``) for Salesforce and the global Zendesk instance, and
``<name>@<instance>`` for another Zendesk instance (``integrations.streams.stream_key``)."""

from django.conf import settings
from django.db import models

STREAM_KEY_LENGTH = 64  # "zendesk.organizations@" + an instance key of up to 20


class Stream(models.TextChoices):
    """The streams' names and labels (each Zendesk one runs once per instance)."""

    SF_USERS = "salesforce.users", "Salesforce users"
    SF_ACCOUNTS = "salesforce.accounts", "Salesforce accounts"
    SF_CONTACTS = "salesforce.contacts", "Salesforce contacts"
    SF_CASES = "salesforce.cases", "Salesforce cases"
    ZD_ORGANIZATIONS = "zendesk.organizations", "Zendesk organizations"
    ZD_USERS = "zendesk.users", "Zendesk users"
    ZD_TICKETS = "zendesk.tickets", "Zendesk tickets"
    ZD_COMMENTS = "zendesk.comments", "Zendesk comments"
    ZD_RATINGS = "zendesk.ratings", "Zendesk satisfaction ratings"
    ZD_SCHEDULES = "zendesk.schedules", "Zendesk schedules (business hours)"


class SyncState(models.Model):
    stream = models.CharField(max_length=STREAM_KEY_LENGTH, unique=True)
    cursor = models.TextField(blank=True)  # the source's opaque cursor, saved with each page
    watermark = models.DateTimeField(null=True, blank=True)  # newest source timestamp seen
    # Single flight: claimed with a conditional UPDATE; expires if the worker dies.
    lock_token = models.CharField(max_length=64, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Start of the last successful run: everything the source had changed by then is mirrored.
    synced_through = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A person asked for a run ("sync now") that has not started yet.
    requested_at = models.DateTimeField(null=True, blank=True)
    # When the source last handed back a cursor that did not move (reported on the sync page).
    stalled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.stream


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    RATE_LIMITED = "rate_limited", "Rate limited (rescheduled)"
    STALLED = "stalled", "Stalled (cursor did not advance)"
    ABANDONED = "abandoned", "Stopped (worker lost)"


class SyncRun(models.Model):
    stream = models.CharField(max_length=STREAM_KEY_LENGTH)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(max_length=20, blank=True)  # beat, manual, command, webhook
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    cursor_start = models.TextField(blank=True)
    cursor_end = models.TextField(blank=True)
    # Progress: records the source says there are (when it says), and the source timestamp of
    # the newest record written so far (Zendesk exports give no count: progress is by time).
    expected = models.PositiveIntegerField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last page committed
    resume_at = models.DateTimeField(null=True, blank=True)  # rate limited: rescheduled for then
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # Sync page: the last runs of each stream.
            models.Index(fields=["stream", "-started_at"], name="syncrun_stream_started"),
        ]

    def __str__(self) -> str:
        return f"{self.stream} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class RateWindow(models.Model):
    """The requests recently sent under one of a source's rate limits, shared by every worker,
    so the syncs pace themselves to the budget instead of bouncing off 429s."""

    key = models.CharField(max_length=40, unique=True)  # e.g. "zendesk.incremental"
    hits = models.JSONField(default=list, blank=True)  # unix times of the requests in the window

    def __str__(self) -> str:
        return self.key


class FieldMapping(models.Model):
    """An admin's name for one of the portal's logical source fields (integrations/mapping.py);
    fields without a row use the default name. An empty name means "not mapped". A Zendesk
    field's row is one instance's (``zd_instance``); another instance without a row of its own
    uses the global instance's name. A Salesforce row names no instance ("")."""

    key = models.CharField(max_length=80)  # e.g. "salesforce.Account.arr"
    zd_instance = models.CharField(max_length=20, blank=True, default="")
    source_name = models.CharField(max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "zd_instance"], name="integrations_fieldmapping_key_instance"
            )
        ]

    def __str__(self) -> str:
        where = f" ({self.zd_instance})" if self.zd_instance else ""
        return f"{self.key}{where} = {self.source_name or '(not mapped)'}"


class FieldMappingChange(models.Model):
    """The audit trail of the field mapping: who changed which field from what to what."""

    key = models.CharField(max_length=80)
    zd_instance = models.CharField(max_length=20, blank=True, default="")  # "" for Salesforce
    old_name = models.CharField(max_length=255, blank=True)
    new_name = models.CharField(max_length=255, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        where = f" ({self.zd_instance})" if self.zd_instance else ""
        return f"{self.key}{where}: {self.old_name or '-'} -> {self.new_name or '-'}"


class WebhookDelivery(models.Model):
    """A webhook delivery already acted on, kept for the signature's timestamp window: a replay
    (or Zendesk's own repeat) is claimed by INSERTing the same key, which the unique index
    refuses in every worker at once. Rows older than the window are pruned on each delivery."""

    key = models.CharField(max_length=64, unique=True)  # sha256 of the delivery's identity
    received_at = models.DateTimeField(db_index=True)  # pruning: rows older than the window

    def __str__(self) -> str:
        return self.key
