"""Customer accounts: the Salesforce Account and the Zendesk organization that serves it."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from .links import zendesk_org_url
from .mirror import MirrorManager, ZendeskMirrorManager


class SupportLevel(models.TextChoices):
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    PRIORITY = "priority", "Priority"


class Region(models.TextChoices):
    AMER = "AMER", "Americas"
    EMEA = "EMEA", "Europe, Middle East, Africa"
    APAC = "APAC", "Asia Pacific"


class Health(models.TextChoices):
    GREEN = "green", "Green"
    YELLOW = "yellow", "Yellow"
    RED = "red", "Red"


class SalesforceUser(models.Model):
    """A Salesforce user; an Account's CSM field points at one. Matched to a portal user by email."""

    sf_id = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=255)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    title = models.CharField(max_length=255, blank=True)
    portal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sf_modstamp = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """One row per Salesforce Account (the system of record for the commercial side)."""

    sf_id = models.CharField("Salesforce ID", max_length=18, unique=True)
    name = models.CharField(max_length=255)
    account_type = models.CharField(max_length=80, blank=True)
    support_level = models.CharField(max_length=20, choices=SupportLevel.choices, blank=True)
    region = models.CharField(max_length=8, choices=Region.choices, blank=True)
    seats = models.PositiveIntegerField(default=0)
    arr = models.DecimalField("ARR", max_digits=14, decimal_places=2, null=True, blank=True)
    renewal_date = models.DateField(null=True, blank=True)
    health = models.CharField(max_length=10, choices=Health.choices, blank=True)
    restricted = models.BooleanField(default=False)
    sold_to_email = models.EmailField(blank=True)
    csm_sf_user_id = models.CharField("CSM (Salesforce user ID)", max_length=18, blank=True)
    csm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="csm_accounts",
        verbose_name="CSM",
    )
    sf_created_at = models.DateTimeField(null=True, blank=True)
    sf_modstamp = models.DateTimeField(null=True, blank=True)  # never overwritten by an older one
    # Deleted (or merged away) in Salesforce: the row stays for its history, out of every list.
    deleted_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    objects = MirrorManager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # Portfolio: a CSM's accounts ordered by name.
            models.Index(fields=["csm", "name"], name="account_csm_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """One row per Zendesk organization, with the organization fields the process relies on."""

    zd_id = models.BigIntegerField("Zendesk ID")
    # The Zendesk instance the row comes from (csmportal.instances); zd_id is unique per instance.
    zd_instance = models.CharField("Zendesk instance", max_length=20, default="global", db_default="global")
    name = models.CharField(max_length=255)
    domain_names = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    details = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    # Organization fields.
    salesforce_id = models.CharField(max_length=18, blank=True, db_index=True)  # link resolution
    # Wide enough for the odd values support ops has to correct (e.g. a pasted project URL).
    am_project_id = models.CharField("Collaboration project ID (AM ID)", max_length=255, blank=True)
    cmp_id = models.CharField("Contact management project ID", max_length=32, blank=True)
    cmp_developers = models.TextField("CMP developers", blank=True)
    support_level = models.CharField(max_length=40, blank=True)
    org_region = models.CharField(max_length=40, blank=True)
    technical_account_manager = models.CharField(max_length=255, blank=True)
    # Resolved from salesforce_id; null when no Account has that ID (a finding, not an error).
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="organizations"
    )
    zd_created_at = models.DateTimeField(null=True, blank=True)
    zd_updated_at = models.DateTimeField(null=True, blank=True)
    # Deleted in Zendesk (its export's ``deleted_at``): kept for history, out of every list.
    deleted_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)
    # The portal's own: a person confirmed that this org belongs to the account whose Salesforce
    # ID it carries (accounts.recipients says when its people may get the account's emails).
    # The confirmation holds for that account only: a new salesforce_id needs a new one.
    link_confirmed_sf_id = models.CharField("Link confirmed for (Salesforce ID)", max_length=18, blank=True)
    link_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ZendeskMirrorManager()

    class Meta:
        constraints = [
            # zd_id first: a lookup by number alone uses it too.
            models.UniqueConstraint(fields=["zd_id", "zd_instance"], name="organization_zd_id_instance"),
        ]
        ordering = ["name"]
        indexes = [
            # Findings: an org carrying an account's name but linked elsewhere (portfolio filter).
            models.Index(Lower("name"), name="organization_lower_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def agent_url(self) -> str:
        """The organization's page in Zendesk's agent interface, on its own instance."""
        return zendesk_org_url(self.zd_id, self.zd_instance)


class AccountEvent(models.Model):
    """The account's audit trail: who changed what, when (any app records here)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # null: the portal itself (e.g. a step verified after a sync)
    verb = models.CharField(max_length=60)  # e.g. "checklist.step_completed", "request.opened"
    summary = models.CharField(max_length=300)  # one readable line for the trail
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Account page: the trail, newest first.
            models.Index(fields=["account", "-created_at"], name="accountevent_account_created"),
        ]

    def __str__(self) -> str:
        return self.summary


# Onboarding checklists live in their own module; importing them here registers the models.
from .checklist_models import (  # noqa: E402
    AccountEmail,
    Check,
    Checklist,
    ChecklistStep,
    ChecklistTemplate,
    ChecklistTemplateVersion,
    EmailStatus,
    EmailTemplate,
    StepKind,
    StepStatus,
    TemplateStep,
)

__all__ = [
    "Account",
    "AccountEmail",
    "AccountEvent",
    "Check",
    "Checklist",
    "ChecklistStep",
    "ChecklistTemplate",
    "ChecklistTemplateVersion",
    "EmailStatus",
    "EmailTemplate",
    "Health",
    "Organization",
    "Region",
    "SalesforceUser",
    "StepKind",
    "StepStatus",
    "SupportLevel",
    "TemplateStep",
]
