"""The records behind the sync page's "waiting for a link" counts: one list per count.

Each kind says which records wait (the same queryset the count uses), why, and how a row reads:
cells of text, the first one linked to the portal's page for the record when it has one.
Customer-written text (ticket subjects) is masked; everything is autoescaped by the template.
Rows of a restricted Zendesk instance are counted and listed only for people cleared for it,
admins included (`Waiting.visible`, docs/instances.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import Account, Organization
from contacts.models import Contact, SupportUser
from csmportal.dates import day
from csmportal.instances import hide
from feedback.models import Rating
from tickets.models import Case, Comment, Ticket
from tickets.review import mask

Cell = tuple[str, str]  # text, link ("" for none)


@dataclass(frozen=True)
class Waiting:
    key: str
    label: str
    why: str
    records: Callable[[], QuerySet[Any]]
    columns: tuple[str, ...]
    row: Callable[[Any], list[Cell]]
    instance_field: str | None = None  # the records' Zendesk instance column (None: Salesforce's)

    def visible(self, user: Any) -> QuerySet[Any]:
        """The records ``user`` may see: not those of a restricted instance they are not
        cleared for (no change, and no query, when nothing is hidden from them)."""
        records = self.records()
        return hide(records, user, self.instance_field) if self.instance_field else records


def _text(value: object) -> Cell:
    return ("" if value is None else str(value), "")


def _ticket_row(source: str) -> Callable[[Ticket], list[Cell]]:
    def row(ticket: Ticket) -> list[Cell]:
        return [
            (f"#{ticket.zd_id}", ticket.get_absolute_url()),
            _text(mask(ticket.subject)),
            _text(getattr(ticket, source)),
            _text(day(ticket.zd_created_at)),
        ]

    return row


def _support_user_row(user: SupportUser) -> list[Cell]:
    account_id = user.organization.account_id if user.organization else None
    org = (str(user.organization), reverse("contacts:account", args=[account_id]) if account_id else "")
    return [_text(user), _text(user.email), org if user.organization else _text("")]


KINDS: tuple[Waiting, ...] = (
    Waiting(
        "organizations-without-account",
        "Zendesk organizations without a Salesforce account",
        "Their salesforce_id field is empty or names no Salesforce account.",
        lambda: Organization.objects.live().filter(account__isnull=True).order_by("name", "pk"),
        ("Organization", "Zendesk ID", "salesforce_id"),
        lambda org: [_text(org.name), _text(org.zd_id), _text(org.salesforce_id or "empty")],
        instance_field="zd_instance",
    ),
    Waiting(
        "accounts-csm-without-login",
        "Accounts whose CSM has no portal login",
        "The Salesforce CSM has no portal user with the same verified email.",
        lambda: (
            Account.objects.live().exclude(csm_sf_user_id="").filter(csm__isnull=True).order_by("name", "pk")
        ),
        ("Account", "Salesforce CSM (user ID)"),
        lambda account: [
            (account.name, reverse("accounts:detail", args=[account.pk])),
            _text(account.csm_sf_user_id),
        ],
    ),
    Waiting(
        "tickets-without-organization",
        "Tickets whose organization is not in the portal",
        "The organization has not been synced (yet).",
        lambda: Ticket.objects.filter(zd_organization_id__isnull=False, organization__isnull=True).order_by(
            "-zd_id"
        ),
        ("Ticket", "Subject", "Zendesk organization ID", "Opened"),
        _ticket_row("zd_organization_id"),
        instance_field="zd_instance",
    ),
    Waiting(
        "tickets-without-requester",
        "Tickets whose requester is not in the portal",
        "The Zendesk user has not been synced (yet).",
        lambda: Ticket.objects.filter(zd_requester_id__isnull=False, requester__isnull=True).order_by(
            "-zd_id"
        ),
        ("Ticket", "Subject", "Zendesk requester ID", "Opened"),
        _ticket_row("zd_requester_id"),
        instance_field="zd_instance",
    ),
    Waiting(
        "end-users-without-contact",
        "Zendesk end users with no Salesforce contact",
        "No Salesforce contact has their email address.",
        lambda: (
            SupportUser.objects.live()
            .filter(role="end-user", contact__isnull=True)
            .exclude(email_key="")
            .select_related("organization")
            .order_by("email_key", "pk")
        ),
        ("Person", "Email", "Organization"),
        _support_user_row,
        instance_field="zd_instance",
    ),
    Waiting(
        "comments-without-ticket",
        "Comments whose ticket is not in the portal",
        "Comments can arrive before their ticket; they link when it does.",
        lambda: Comment.objects.filter(ticket__isnull=True).order_by("-zd_ticket_id", "-pk"),
        ("Zendesk comment ID", "Zendesk ticket"),
        lambda comment: [_text(comment.zd_id), _text(f"#{comment.zd_ticket_id}")],
        instance_field="zd_instance",
    ),
    Waiting(
        "cases-without-ticket",
        "Salesforce cases without their Zendesk ticket",
        "The case names a ticket the portal does not have.",
        lambda: Case.objects.live().filter(zd_ticket_id__isnull=False, ticket__isnull=True).order_by("-pk"),
        ("Case", "Salesforce ID", "Zendesk ticket"),
        lambda case: [_text(case.case_number or "—"), _text(case.sf_id), _text(f"#{case.zd_ticket_id}")],
    ),
    Waiting(
        "ratings-without-ticket",
        "Satisfaction ratings whose ticket is not in the portal",
        "The rated ticket has not been synced (yet).",
        lambda: Rating.objects.filter(zd_ticket_id__isnull=False, ticket__isnull=True).order_by(
            "-zd_created_at"
        ),
        ("Rating", "Zendesk ticket", "Rated"),
        lambda rating: [
            _text(rating.get_score_display()),
            _text(f"#{rating.zd_ticket_id}"),
            _text(day(rating.zd_created_at)),
        ],
        instance_field="zd_instance",
    ),
    Waiting(
        "contacts-without-account",
        "Salesforce contacts without their account",
        "The contact's account has not been synced (yet).",
        lambda: Contact.objects.live().filter(~Q(sf_account_id=""), account__isnull=True).order_by("pk"),
        ("Contact", "Email", "Salesforce account ID"),
        lambda contact: [_text(contact), _text(contact.email), _text(contact.sf_account_id)],
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}
