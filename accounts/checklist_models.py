"""Onboarding checklists: versioned templates, per-account steps, and the emails sent for them.

A template is edited in the admin (its `TemplateStep` rows); saving it publishes a new
`ChecklistTemplateVersion` (a frozen snapshot) when anything changed. Starting a checklist on an
account copies the latest version's steps into `ChecklistStep` rows, so later edits of the
template never rewrite a checklist in progress.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class StepKind(models.TextChoices):
    MANUAL = "manual", "Manual"
    AUTOMATIC = "automatic", "Verified automatically"
    EMAIL = "email", "Email from the portal"


class Check(models.TextChoices):
    """The automatic checks, each re-run against synced data after every sync."""

    SOLD_TO_CONTACT = "sold_to_contact", "Sold-to email identified in Salesforce"
    ZENDESK_ORG = "zendesk_org", "Zendesk organization exists and is linked"
    SUPPORT_CONTACTS = "support_contacts", "Support users in the Zendesk organization"
    COLLABORATION_PROJECT = "collaboration_project", "Collaboration project ID set"
    CONTACT_MANAGEMENT_PROJECT = (
        "contact_management_project",
        "Contact management project: whether there is one, who can access it (information)",
    )


class StepAction(models.TextChoices):
    """What a person does elsewhere in the portal that satisfies a manual step: the step links to
    it, and doing it completes the step with it as evidence (`accounts.step_actions`)."""

    EDUCATION_EMAIL = "education_email", "The education email (ticket best practice)"
    NOTES_REQUEST = "notes_request", "A static notes request to support ops"


class StepStatus(models.TextChoices):
    PENDING = "pending", "To do"
    DONE = "done", "Done"
    NOT_APPLICABLE = "n/a", "Not applicable"  # an automatic check found it does not apply
    SKIPPED = "skipped", "Skipped"  # a person decided it does not apply (re-checks leave it alone)


FINISHED_STATUSES = (StepStatus.DONE, StepStatus.NOT_APPLICABLE, StepStatus.SKIPPED)


class EmailTemplate(models.Model):
    """An email the portal sends for a checklist step; `{{ placeholder }}`s are filled per account."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .emails import unknown_placeholders

        errors = {}
        for field in ("subject", "body"):
            unknown = unknown_placeholders(getattr(self, field))
            if unknown:
                errors[field] = "Unknown placeholder(s): " + ", ".join(f"{{{{ {p} }}}}" for p in unknown)
        if errors:
            raise ValidationError(errors)


class ChecklistTemplate(models.Model):
    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(
        "default for new checklists", default=False, help_text="Preselected when a CSM starts onboarding."
    )
    is_active = models.BooleanField(
        "offered", default=True, help_text="Offered when a CSM starts a checklist on an account."
    )
    version = models.PositiveIntegerField(default=0, editable=False)  # latest published version
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_checklist_template"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TemplateStep(models.Model):
    """A step of a template, as admins edit it (published into a version on save)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Guidance shown with the step.")
    kind = models.CharField(max_length=10, choices=StepKind.choices, default=StepKind.MANUAL)
    check_key = models.CharField(
        "check",
        max_length=40,
        choices=Check.choices,
        blank=True,
        help_text="For automatically verified steps.",
    )
    email_template = models.ForeignKey(
        EmailTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="For steps done by sending an email from the portal.",
    )
    action = models.CharField(
        max_length=20,
        choices=StepAction.choices,
        blank=True,
        help_text="For manual steps that an action elsewhere in the portal satisfies: the step links "
        "to it and completes itself with it as evidence.",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == StepKind.AUTOMATIC and not self.check_key:
            raise ValidationError({"check_key": "Choose the check that verifies this step."})
        if self.kind != StepKind.AUTOMATIC and self.check_key:
            raise ValidationError({"check_key": "Only automatically verified steps have a check."})
        if self.kind == StepKind.EMAIL and not self.email_template_id:
            raise ValidationError({"email_template": "Choose the email this step sends."})
        if self.action and self.kind != StepKind.MANUAL:
            raise ValidationError({"action": "Only manual steps are completed by an action."})


class ChecklistTemplateVersion(models.Model):
    """A published, frozen version of a template: what new checklists copy."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    # [{"title", "description", "kind", "check_key", "email_template_key", "action"}], in order.
    steps = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_template_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class Checklist(models.Model):
    """An account's onboarding checklist, copied from one template version."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="checklists")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="checklists")
    template_version = models.ForeignKey(
        ChecklistTemplateVersion, on_delete=models.PROTECT, related_name="checklists"
    )
    name = models.CharField(max_length=120)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            # One checklist per template on an account (the page and the progress count rely on it).
            models.UniqueConstraint(fields=["account", "template"], name="checklist_account_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.account}"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ChecklistStep(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=StepKind.choices, default=StepKind.MANUAL)
    check_key = models.CharField("check", max_length=40, choices=Check.choices, blank=True)
    email_template = models.ForeignKey(EmailTemplate, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=20, choices=StepAction.choices, blank=True)
    is_custom = models.BooleanField(default=False)  # added on this account, not from the template
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # null on a finished step: the portal verified it
    completed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(blank=True)  # a note or link, the check's finding, the email sent
    check_summary = models.CharField(max_length=300, blank=True)  # latest automatic finding
    check_changed_at = models.DateTimeField(null=True, blank=True)  # when the finding last changed
    email = models.ForeignKey(
        "accounts.AccountEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the email sent as this step's evidence
    evidence_url = models.CharField(max_length=300, blank=True)  # the portal page that proves it

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            # Account page: a checklist's steps in order (also the portfolio's progress counts).
            models.Index(fields=["checklist", "position"], name="checkliststep_checklist_pos"),
            # Re-check after a sync: every automatic step.
            models.Index(fields=["kind", "checklist"], name="checkliststep_kind_checklist"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class EmailKind(models.TextChoices):
    STEP = "step", "Onboarding step email"
    EDUCATION = "education", "Education email"


class AccountEmail(models.Model):
    """An email the portal sent to a customer for an account (e.g. Managing Support Contacts)."""

    kind = models.CharField(max_length=10, choices=EmailKind.choices, default=EmailKind.STEP)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="emails")
    step = models.ForeignKey(
        ChecklistStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    template = models.ForeignKey(EmailTemplate, null=True, blank=True, on_delete=models.SET_NULL)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_email = models.EmailField("to")
    cc = models.JSONField(default=list, blank=True)
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_email}"
