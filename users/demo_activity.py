"""Demo activity for `seed_demo --activity`: work filed through the portal's own services.

Runs after the first sync (it needs accounts, tickets and ratings). Filed once: a second run
finds the demo's items and does nothing.
"""

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from accounts.models import Account, Organization
from feedback.models import Channel, Feedback, Rating, Sentiment
from feedback.rotation import current_week_start
from feedback.services import feedback_forward, feedback_forward_rating, rotation_week_set
from feedback.workflow import feedback_triage
from supportops.models import OpsRequest
from supportops.services import ops_request_open_correction, ops_request_open_notes
from tickets.models import Ticket
from users.models import User


def seed_activity(users: dict[str, User]) -> Iterator[str]:
    csm, manager, admin = users["csm@example.com"], users["manager@example.com"], users["admin@example.com"]
    this_week = current_week_start()
    for week in (this_week, this_week + timedelta(days=7)):
        rotation_week_set(week_start=week, manager=manager, set_by=admin)
    yield f"Review rotation: {manager} is on duty this week and next."

    accounts = list(Account.objects.live().filter(csm=csm).order_by("name"))
    if not accounts:
        yield "No synced accounts for the demo CSM yet: no demo feedback or requests filed."
        return
    if (
        Feedback.objects.filter(forwarded_by=csm).exists()
        or OpsRequest.objects.filter(requested_by=csm).exists()
    ):
        yield "Demo feedback and requests were filed before."
        return
    yield from _feedback(csm, manager, accounts)
    yield from _requests(csm, accounts)


def _feedback(csm: User, manager: User, accounts: list[Account]) -> Iterator[str]:
    rating = (
        Rating.objects.filter(account__in=accounts, score="bad")
        .exclude(comment="")
        .order_by("-zd_created_at")
        .first()
    )
    if rating is not None:
        feedback_forward_rating(rating=rating, forwarded_by=csm)
        yield f"Forwarded the bad rating on ticket #{rating.zd_ticket_id}."
    tickets = list(
        Ticket.objects.filter(account__in=accounts).exclude(status="deleted").order_by("-zd_created_at")[:2]
    )
    if len(tickets) < 2 or tickets[0].account is None or tickets[1].account is None:
        return
    negative = feedback_forward(
        forwarded_by=csm,
        account=tickets[0].account,
        ticket=tickets[0],
        sentiment=Sentiment.NEGATIVE,
        channel=Channel.CALL,
        customer_words=(
            "We were asked for the same logs three times and nobody told us the ticket was waiting on us."
        ),
        csm_context="Said on our weekly call; they are evaluating the renewal this quarter.",
        wants_manager_contact=True,
    )
    feedback_forward(
        forwarded_by=csm,
        account=tickets[1].account,
        ticket=tickets[1],
        sentiment=Sentiment.POSITIVE,
        channel=Channel.EMAIL,
        customer_words="The engineer found the cause within an hour and explained it clearly. Thank you!",
    )
    feedback_triage(
        feedback=negative,
        by=manager,
        summary="Repeated requests for logs; the customer did not know the ticket waited on them.",
        action="Review the ticket with the engineer; call the customer's admin this week.",
        contact_customer=True,
        make_csm_aware=True,
    )
    yield "Forwarded two feedback items; the manager triaged the negative one."


def _requests(csm: User, accounts: list[Account]) -> Iterator[str]:
    orgs = Organization.objects.filter(account__in=accounts).order_by("name")
    wrong = orgs.filter(Q(am_project_id="") | ~Q(am_project_id__regex=r"^[0-9]+$")).first()
    if wrong is not None:
        slug = "".join(ch for ch in wrong.name.lower() if ch.isalnum()) or "customer"
        ops_request_open_correction(
            user=csm,
            organization=wrong,
            am_project_id="17735787",
            project_url=f"{settings.GITLAB_URL}/gitlab-com/account-management/{slug}",
        )
        yield f"Asked support ops to correct the collaboration project ID of {wrong.name}."
    other = (orgs.exclude(pk=wrong.pk) if wrong is not None else orgs).first()
    if other is not None:
        ops_request_open_notes(
            user=csm,
            organization=other,
            notes=(
                "Two self-managed instances: production (EU) and a DR copy. "
                "Upgrades go through change control."
            ),
        )
        yield f"Asked support ops to add static notes to {other.name}."
