"""Requests from CSMs to support ops: collaboration project ID corrections and org notes."""

from django.conf import settings
from django.db import models

from accounts.models import Account, Organization


class RequestKind(models.TextChoices):
    AM_PROJECT_ID = "am_project_id", "Collaboration project ID correction"
    ORG_NOTES = "org_notes", "Static organization notes"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "Claimed"
    DONE = "done", "Done"


class OpsRequest(models.Model):
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="ops_requests")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="ops_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ops_requests"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ops_requests_claimed",
    )
    body = models.TextField(help_text="The request text, as support ops reads it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Support-ops queue: requests by status, newest first.
            models.Index(fields=["status", "-created_at"], name="opsrequest_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.account}"
