"""Requests from CSMs to support ops: collaboration project ID corrections, org notes, and an
organization linked to the wrong account (its `salesforce_id` names an account it is not).

A request moves open -> claimed -> done -> verified (closed). "Done" is what support ops
says; "verified" is what the portal sees in Zendesk after an organization sync. A request
done but still not reflected in Zendesk a day later is flagged. The requester may cancel,
support ops may decline (with a reason). Every change is a `RequestEvent` (the request's
history, comments included) and a line in the account's audit trail.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, Organization


class RequestKind(models.TextChoices):
    AM_PROJECT_ID = "am_project_id", "Collaboration project ID correction"
    ORG_NOTES = "org_notes", "Static organization notes"
    ORG_LINK = "org_link", "Organization linked to the wrong account"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "Claimed"
    DONE = "done", "Done, awaiting verification"
    FLAGGED = "flagged", "Flagged: not in Zendesk"
    VERIFIED = "verified", "Verified"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Declined"


# Someone still has to act (support ops) or the portal still has to check it (done).
ACTIVE_STATUSES = (
    RequestStatus.OPEN,
    RequestStatus.CLAIMED,
    RequestStatus.DONE,
    RequestStatus.FLAGGED,
)
CLOSED_STATUSES = (RequestStatus.VERIFIED, RequestStatus.CANCELLED, RequestStatus.DECLINED)


class OpsRequest(models.Model):
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="ops_requests")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="ops_requests"
    )
    # The org's Zendesk ID, kept if the org row goes away (the request text still names it).
    zd_organization_id = models.BigIntegerField(null=True, blank=True)
    # ... and its Zendesk instance (csmportal.instances): the agent link and the tracker follow it.
    zd_instance = models.CharField("Zendesk instance", max_length=20, default="global", db_default="global")
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
    # Collaboration project ID corrections.
    current_am_project_id = models.CharField(
        "collaboration project ID when requested",
        max_length=32,
        blank=True,
        help_text="What the org carried when filed.",
    )
    requested_am_project_id = models.CharField(
        "requested collaboration project ID", max_length=32, blank=True
    )
    project_url = models.URLField("collaboration project URL", max_length=500, blank=True)
    # Static organization notes.
    notes = models.TextField("notes to attach", blank=True)

    # The issue filed for it in the support-ops tracker (GitLab), when GitLab is configured.
    gitlab_project = models.CharField(max_length=255, blank=True)
    gitlab_iid = models.PositiveIntegerField(null=True, blank=True)
    gitlab_state = models.CharField(max_length=10, blank=True)  # opened | closed, as last read
    gitlab_checked_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Support-ops queue: requests by status, newest first.
            models.Index(fields=["status", "-created_at"], name="opsrequest_status_created"),
            # A CSM's queue: their own requests, newest first.
            models.Index(fields=["requested_by", "-created_at"], name="opsrequest_requester_created"),
            # Account page panel: the account's requests by status.
            models.Index(fields=["account", "status"], name="opsrequest_account_status"),
            # Verification after an org sync: active requests of the orgs that changed.
            models.Index(fields=["organization", "status"], name="opsrequest_org_status"),
            # The GitLab mirror: active requests with an issue.
            models.Index(
                fields=["status"], condition=Q(gitlab_iid__isnull=False), name="opsrequest_gitlab_active"
            ),
        ]
        constraints = [
            # One correction at a time per org: a second one would contradict the first.
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=Q(kind="am_project_id", status__in=["open", "claimed", "done", "flagged"]),
                name="opsrequest_one_active_correction_per_org",
            ),
            # One "linked to the wrong account" request at a time per org (one click files it).
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=Q(kind="org_link", status__in=["open", "claimed", "done", "flagged"]),
                name="opsrequest_one_active_link_fix_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} for {self.account}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_correction(self) -> bool:
        return self.kind == RequestKind.AM_PROJECT_ID

    @property
    def is_link_fix(self) -> bool:
        return self.kind == RequestKind.ORG_LINK

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


class EventVerb(models.TextChoices):
    OPENED = "opened", "opened the request"
    CLAIMED = "claimed", "claimed it"
    RELEASED = "released", "released it back to the queue"
    COMMENTED = "commented", "commented"
    DONE = "done", "marked it done"
    VERIFIED = "verified", "verified it in Zendesk"
    CONFIRMED = "confirmed", "confirmed it is in Zendesk"
    FLAGGED = "flagged", "flagged it"
    CANCELLED = "cancelled", "cancelled it"
    DECLINED = "declined", "declined it"


class RequestEvent(models.Model):
    """One line of a request's history: a status change or a comment."""

    request = models.ForeignKey(OpsRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # null: the portal itself (verification after a sync, the stale check)
    verb = models.CharField(max_length=12, choices=EventVerb.choices)
    from_status = models.CharField(max_length=10, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=RequestStatus.choices, blank=True)
    text = models.TextField(blank=True)  # the comment, reason or what the portal saw
    emailed_at = models.DateTimeField(null=True, blank=True)  # set once its email went out
    # GitLab: the note this event is (mirrored from the issue, or posted there), and when it was
    # handed to GitLab (claimed before sending, so a retried task never posts twice).
    gitlab_note_id = models.BigIntegerField(null=True, blank=True, unique=True)
    gitlab_pushed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Request page: its history, oldest first.
            models.Index(fields=["request", "created_at"], name="requestevent_request_created"),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.verb}"
