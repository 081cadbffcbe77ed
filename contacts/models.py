"""People at customers: Salesforce contacts and Zendesk end users (entitled to open tickets)."""

from django.db import models

from accounts.links import zendesk_user_url
from accounts.mirror import DELETED_PERSON, MirrorManager, ZendeskMirrorManager
from accounts.models import Account, Organization


class Contact(models.Model):
    """A Salesforce Contact on an Account."""

    sf_id = models.CharField("Salesforce ID", max_length=18, unique=True)
    sf_account_id = models.CharField(max_length=18, blank=True, db_index=True)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    first_name = models.CharField(max_length=120, blank=True)
    last_name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    email_key = models.CharField(max_length=254, blank=True, db_index=True)  # lower(email): matching
    title = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=60, blank=True)
    sf_created_at = models.DateTimeField(null=True, blank=True)
    sf_modstamp = models.DateTimeField(null=True, blank=True)
    # Deleted (or merged away) in Salesforce, or erased on request: personal data cleared.
    deleted_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    objects = MirrorManager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        # Both are empty only once the person was deleted (Salesforce requires a last name,
        # Zendesk a name); not reading deleted_at keeps .only() querysets to one query.
        return self.name or self.email or DELETED_PERSON

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class SupportUser(models.Model):
    """A Zendesk user. An end user in a customer's organization is entitled to support."""

    zd_id = models.BigIntegerField("Zendesk ID")
    # The Zendesk instance the row comes from (csmportal.instances); zd_id is unique per instance.
    zd_instance = models.CharField("Zendesk instance", max_length=20, default="global", db_default="global")
    zd_organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
    email_key = models.CharField(max_length=254, blank=True, db_index=True)  # lower(email): matching
    role = models.CharField(max_length=20, default="end-user")  # end-user, agent, admin
    active = models.BooleanField(default=True)
    suspended = models.BooleanField(default=False)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_users"
    )
    zd_created_at = models.DateTimeField(null=True, blank=True)
    zd_updated_at = models.DateTimeField(null=True, blank=True)
    # Deleted in Zendesk (``active: false`` in its export), or erased on request: personal
    # data cleared, the row kept so tickets and comments still have a requester/author.
    deleted_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    objects = ZendeskMirrorManager()

    class Meta:
        constraints = [
            # zd_id first: a lookup by number alone uses it too.
            models.UniqueConstraint(fields=["zd_id", "zd_instance"], name="supportuser_zd_id_instance"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        # Both are empty only once the person was deleted (Salesforce requires a last name,
        # Zendesk a name); not reading deleted_at keeps .only() querysets to one query.
        return self.name or self.email or DELETED_PERSON

    @property
    def is_agent(self) -> bool:
        return self.role in ("agent", "admin")

    @property
    def agent_url(self) -> str:
        """The person's page in Zendesk's agent interface, on their own instance."""
        return zendesk_user_url(self.zd_id, self.zd_instance)
