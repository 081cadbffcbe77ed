"""One small world with a real object behind every URL parameter of the portal, and a user
per persona: the account of the `csm` persona, with an organization, a ticket, a checklist,
a sent email, a rating, a feedback item, a support-ops request and a notification; plus an
account nobody is the CSM of (for the object-level rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from accounts.checklist_models import AccountEmail, Checklist, ChecklistStep, EmailStatus, StepKind
from accounts.models import Account, Organization
from accounts.services.checklists import checklist_step_add
from csmportal.instances import GLOBAL
from feedback.models import Feedback, Rating
from notifications.models import Delivery, Notification, OutboxMessage
from notifications.models import EmailStatus as NotificationEmailStatus
from supportops.models import OpsRequest
from tests.conftest import _make_user
from tests.factories import (
    AccountFactory,
    CaseFactory,
    CommentFactory,
    ContactFactory,
    FeedbackFactory,
    OpsRequestFactory,
    OrganizationFactory,
    RatingFactory,
    SupportUserFactory,
    TicketFactory,
)
from tests.factories.accounts import SalesforceUserFactory, start_checklist
from tickets.models import Ticket
from users.models import User
from users.roles import Role

PERSONAS = ["csm", "other_csm", "manager", "ops", "admin", "no_role", "anonymous"]
PASSWORD = "test-password-123"  # what tests.conftest._make_user sets

PERSONA_USERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "csm": ("csm@example.com", "Casey Morgan", (Role.CSM,)),
    "other_csm": ("other.csm@example.com", "Robin Patel", (Role.CSM,)),
    "manager": ("manager@example.com", "Sam Lee", (Role.SUPPORT_MANAGER,)),
    "ops": ("ops@example.com", "Alex Kim", (Role.SUPPORT_OPS,)),
    "admin": ("admin@example.com", "Portal Admin", (Role.ADMIN,)),
    "no_role": ("nobody@example.com", "New Colleague", ()),
}


@dataclass
class World:
    users: dict[str, User]
    account: Account
    org: Organization
    spare_org: Organization  # an org of the same account with no request on it (filing forms)
    unassigned: Account  # an account without a CSM
    unassigned_org: Organization
    ticket: Ticket
    checklist: Checklist
    manual_step: ChecklistStep
    email_step: ChecklistStep
    custom_step: ChecklistStep
    unassigned_checklist: Checklist
    email: AccountEmail
    rating: Rating
    feedback: Feedback
    request: OpsRequest
    notification: Notification
    outbox: OutboxMessage
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else self.users[persona]


def make_users() -> dict[str, User]:
    users = {}
    for persona, (email, name, roles) in PERSONA_USERS.items():
        admin = persona == "admin"
        users[persona] = _make_user(email, name, *roles, is_staff=admin, is_superuser=admin)
    return users


def build_world(users: dict[str, User] | None = None) -> World:
    users = users or make_users()
    csm = users["csm"]
    account = AccountFactory(name="Acme Robotics", csm=csm, sold_to_email="buyer@acme.example")
    org = OrganizationFactory(account=account)
    spare_org = OrganizationFactory(account=account, name="Acme Robotics (EU)")
    requester = SupportUserFactory(organization=org, email="robin@acme.example", name="Robin Requester")
    ContactFactory(account=account, email="robin@acme.example", first_name="Robin", last_name="Requester")
    ContactFactory(account=account, email="buyer@acme.example", first_name="Bea", last_name="Buyer")
    ticket = TicketFactory(requester=requester, subject="Runner cannot reach the registry")
    CommentFactory(ticket=ticket)
    CaseFactory(ticket=ticket)

    checklist = start_checklist(account, actor=csm)
    manual_step = checklist.steps.filter(kind=StepKind.MANUAL).order_by("position").first()
    email_step = checklist.steps.get(kind=StepKind.EMAIL)
    custom_step = checklist_step_add(checklist=checklist, actor=csm, title="Walk through the portal")
    email = AccountEmail.objects.create(
        account=account,
        step=email_step,
        sent_by=csm,
        to_email="buyer@acme.example",
        subject="Managing your support contacts",
        body="Hello Bea",
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
    )

    # Its CSM in Salesforce has no portal login yet: on People to invite.
    to_invite = SalesforceUserFactory(name="Jordan Newcomer", email="jordan.newcomer@example.com")
    unassigned = AccountFactory(name="Nobody's Account", csm=None, csm_sf_user_id=to_invite.sf_id)
    unassigned_org = OrganizationFactory(account=unassigned)
    unassigned_checklist = start_checklist(unassigned, actor=users["admin"])

    rating = RatingFactory(ticket=ticket, score="bad", comment="Nobody answered for two days.")
    feedback = FeedbackFactory(ticket=ticket, account=account, forwarded_by=csm)
    # On synced data the organization may already have its one active correction (the load
    # benchmark files some): that request is the world's.
    request = OpsRequest.objects.filter(organization=org).order_by("pk").first() or OpsRequestFactory(
        organization=org, requested_by=csm
    )
    notification = Notification.objects.create(
        ticket=ticket,
        recipient=csm,
        reason="csm",
        delivery=Delivery.IMMEDIATE,
        email_status=NotificationEmailStatus.SENT,
    )
    outbox = OutboxMessage.objects.create(
        to="csm@example.com", subject="New ticket", body="A new ticket", html="<p>A new ticket</p>"
    )
    from accounts.checklist_models import ChecklistTemplate

    older = ChecklistTemplate.objects.get(key="support-onboarding-contact-collection")
    return World(
        extra={"older_template_pk": older.pk, "sf_user_to_invite_pk": to_invite.pk},
        users=users,
        account=account,
        org=org,
        spare_org=spare_org,
        unassigned=unassigned,
        unassigned_org=unassigned_org,
        ticket=ticket,
        checklist=checklist,
        manual_step=manual_step,
        email_step=email_step,
        custom_step=custom_step,
        unassigned_checklist=unassigned_checklist,
        email=email,
        rating=rating,
        feedback=feedback,
        request=request,
        notification=notification,
        outbox=outbox,
    )


def world_on_synced_data(users: dict[str, User] | None = None) -> World:
    """The same world on data the real sync mirrored from the sandbox: the first account with an
    organization, tickets and a bad rating becomes the `csm` persona's; the portal's own objects
    (checklist, email, feedback, request, notification, outbox) are made on it."""
    from django.db.models import Count

    users = users or make_users()
    csm = users["csm"]
    account = (
        Account.objects.annotate(
            n_orgs=Count("organizations", distinct=True), n_tickets=Count("tickets", distinct=True)
        )
        .filter(n_orgs__gte=1, n_tickets__gte=1)
        .order_by("-n_tickets")
        .first()
    )
    assert account is not None, "the sync mirrored no account with an organization and tickets"
    account.csm = csm
    account.save(update_fields=["csm"])
    # With a second instance configured (restricted, BENCH_INSTANCES=2), the world's Zendesk
    # objects are the first instance's: every persona may open them.
    org = account.organizations.filter(zd_instance=GLOBAL).order_by("zd_id").first()
    spare_org = OrganizationFactory(account=account, name=f"{account.name} (second org)")
    ticket = (
        Ticket.objects.filter(account=account, zd_instance=GLOBAL)
        .exclude(status="deleted")
        .order_by("-zd_created_at")
        .first()
    )
    rating = Rating.objects.filter(account=account, zd_instance=GLOBAL).first() or RatingFactory(
        ticket=ticket, score="bad", comment="Slow."
    )
    unassigned = Account.objects.filter(csm__isnull=True).exclude(pk=account.pk).first() or AccountFactory(
        csm=None
    )
    unassigned_org = unassigned.organizations.filter(zd_instance=GLOBAL).first()
    unassigned_org = unassigned_org or OrganizationFactory(account=unassigned)
    # A CSM in Salesforce without a portal login: on People to invite.
    to_invite = SalesforceUserFactory(name="Jordan Newcomer", email="jordan.newcomer@example.com")
    AccountFactory(name="Newcomer's Account", csm=None, csm_sf_user_id=to_invite.sf_id)

    checklist = start_checklist(account, actor=csm)
    manual_step = checklist.steps.filter(kind=StepKind.MANUAL).order_by("position").first()
    email_step = checklist.steps.get(kind=StepKind.EMAIL)
    custom_step = checklist_step_add(checklist=checklist, actor=csm, title="Walk through the portal")
    email = AccountEmail.objects.create(
        account=account,
        step=email_step,
        sent_by=csm,
        to_email=account.sold_to_email or "buyer@customer.example",
        subject="Managing your support contacts",
        body="Hello",
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
    )
    from accounts.checklist_models import ChecklistTemplate

    unassigned_checklist = start_checklist(unassigned, actor=users["admin"])
    feedback = FeedbackFactory(ticket=ticket, account=account, forwarded_by=csm)
    # On synced data the organization may already have its one active correction (the load
    # benchmark files some): that request is the world's.
    request = OpsRequest.objects.filter(organization=org).order_by("pk").first() or OpsRequestFactory(
        organization=org, requested_by=csm
    )
    notification = Notification.objects.create(
        ticket=ticket,
        recipient=csm,
        reason="csm",
        delivery=Delivery.IMMEDIATE,
        email_status=NotificationEmailStatus.SENT,
    )
    outbox = OutboxMessage.objects.create(
        to=csm.email, subject=f"New ticket #{ticket.zd_id}", body="A new ticket", html="<p>A new ticket</p>"
    )
    older = ChecklistTemplate.objects.get(key="support-onboarding-contact-collection")
    return World(
        extra={"older_template_pk": older.pk, "sf_user_to_invite_pk": to_invite.pk},
        users=users,
        account=account,
        org=org,
        spare_org=spare_org,
        unassigned=unassigned,
        unassigned_org=unassigned_org,
        ticket=ticket,
        checklist=checklist,
        manual_step=manual_step,
        email_step=email_step,
        custom_step=custom_step,
        unassigned_checklist=unassigned_checklist,
        email=email,
        rating=rating,
        feedback=feedback,
        request=request,
        notification=notification,
        outbox=outbox,
    )


def session_key_for(user: User) -> str:
    """A logged-in session for the user, as Django's login leaves it (for browsers and load tests)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)
