"""Reads of tickets: the dashboard's rows, one ticket's page, the capped count."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from contacts.models import SupportUser
from csmportal.instances import GLOBAL
from users.roles import ALL_ROLES, require_role

from .models import Case, Comment, Ticket, ticket_path

# Counting every match of a broad filter over a million tickets is the slow part of a list
# page; past this many the page says "10,000+" and offers that many pages.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_CAP + 1 rows (SELECT COUNT(*) FROM (... LIMIT n))."""

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        # Without ORDER BY: the database can stop at cap + 1 matches instead of sorting them all.
        return self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def ticket_dashboard(user: Any) -> QuerySet[Ticket]:
    """The dashboard's rows `user` may see (docs/instances.md, Access): the list columns only
    (no description; the flags are read with the rows: tickets.rows), newest first.
    The org and account columns read here say whether the ticket's org claims its account
    unconfirmed (accounts.claims), with no query per row."""
    return (
        Ticket.objects.visible_to(user)
        .select_related("account", "requester", "organization")
        .only(
            "id",
            "zd_id",
            "zd_instance",
            "subject",
            "status",
            "priority",
            "preferred_region",
            "zd_created_at",
            "zd_updated_at",
            "sla_due_at",
            "sla_replied_at",
            "sla_state",
            "quality_score",
            "account__id",
            "account__name",
            "account__sf_id",
            "account__sold_to_email",
            "organization__id",
            "organization__name",
            "organization__domain_names",
            "organization__account",
            "organization__link_confirmed_at",
            "organization__link_confirmed_sf_id",
            "requester__id",
            "requester__name",
            "requester__email",
        )
        .order_by("-zd_created_at", "-pk")
    )


def ticket_export(user: Any) -> QuerySet[Ticket]:
    """The CSV export's rows `user` may see (same filters as the dashboard), with what the
    columns need."""
    return (
        Ticket.objects.visible_to(user)
        .select_related("account", "account__csm", "requester", "organization")
        .defer("description", "quality_findings", "tags")
        .order_by("-zd_created_at", "-pk")
    )


def get_ticket_for_user(user: Any, zd_id: int, instance: str = GLOBAL) -> Ticket:
    """The ticket with Zendesk number `zd_id` in `instance`. Every role may read any ticket of
    an instance they may see (CSMs cover each other's accounts); a restricted instance's ticket
    is a 404 for a person not cleared for it (docs/instances.md, Access)."""
    require_role(user, *ALL_ROLES)
    return get_object_or_404(
        Ticket.objects.visible_to(user).select_related(
            "account", "account__csm", "organization", "requester", "requester__contact"
        ),
        zd_id=zd_id,
        zd_instance=instance,
    )


def ticket_zd_id_for_user(user: Any, pk: int) -> str | None:
    """The page address (instance and Zendesk number) of the ticket whose portal id is `pk`
    (the ticket pages' address before they used Zendesk's number), or None. Same access rule
    as `get_ticket_for_user`."""
    require_role(user, *ALL_ROLES)
    found = Ticket.objects.visible_to(user).filter(pk=pk).values_list("zd_id", "zd_instance").first()
    return ticket_path(*found) if found else None


def emailed_under_old_address(user: Any, number: int, shown: Ticket) -> Ticket | None:
    """The other ticket an old notification email sent `user` to at `/tickets/<number>/`.

    Before the ticket pages used Zendesk's number, new-ticket emails linked the portal's id.
    When that id is now another ticket's Zendesk number, the page says which ticket the user
    was emailed about, so an old email's link still reaches its ticket in one click."""
    return (
        Ticket.objects.visible_to(user)
        .filter(pk=number, notifications__recipient=user)
        .exclude(pk=shown.pk)
        .only("zd_id", "zd_instance", "subject")
        .first()
    )


@dataclass(frozen=True)
class Entitlement:
    entitled: bool
    reason: str


def requester_entitlement(ticket: Ticket) -> Entitlement:
    """Is the requester an entitled support contact: an active end user in the ticket's org?"""
    person: SupportUser | None = ticket.requester
    if person is None:
        return Entitlement(False, "The requester is not synced from Zendesk yet.")
    if person.is_agent:
        return Entitlement(False, "The ticket was opened by a support agent, not a customer contact.")
    if not person.active or person.suspended:
        return Entitlement(False, "The requester is suspended or inactive in Zendesk.")
    if person.organization_id is None:
        return Entitlement(
            False, "The requester is in no organization in Zendesk, so not entitled to support."
        )
    if ticket.organization_id and person.organization_id != ticket.organization_id:
        return Entitlement(False, "The requester belongs to another organization than the ticket's.")
    org = ticket.organization or person.organization
    return Entitlement(True, f"Member of the organization {org} in Zendesk: entitled to support.")


def ticket_comments(ticket: Ticket) -> QuerySet[Comment]:
    """The timeline: comments linked by Zendesk ticket ID (they may arrive before the ticket)."""
    same = Q(zd_ticket_id=ticket.zd_id, zd_instance=ticket.zd_instance)
    return (
        Comment.objects.filter(Q(ticket=ticket) | same)
        .select_related("author")
        .order_by("created_at", "zd_id")
    )


def ticket_cases(ticket: Ticket) -> list[Case]:
    """Salesforce cases name a ticket by number alone: the global instance's (docs/instances.md)."""
    by_number = Q(zd_ticket_id=ticket.zd_id) if ticket.zd_instance == GLOBAL else Q(pk__in=[])
    return list(Case.objects.live().filter(Q(ticket=ticket) | by_number).order_by("sf_created_at"))


def salesforce_record_url(sf_id: str) -> str:
    """Where a person opens a Salesforce record (Lightning when its address is configured)."""
    if settings.SALESFORCE_WEB_URL:
        return f"{settings.SALESFORCE_WEB_URL}/lightning/r/{sf_id}/view"
    base = settings.SALESFORCE_LOGIN_URL or "https://login.salesforce.com"
    return f"{base}/{sf_id}"  # My Domain redirects a record ID to the record's page
