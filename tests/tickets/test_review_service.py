"""Recomputing the review and SLA: stored score and findings, gap rows, the sync signal, speed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import SupportLevel
from integrations.signals import page_synced
from tests.factories import (
    AccountFactory,
    CommentFactory,
    OrganizationFactory,
    SupportUserFactory,
    TicketFactory,
)
from tickets.models import PreferredRegion, Ticket, TicketGap
from tickets.review import Check
from tickets.services import ticket_reviews_refresh

pytestmark = pytest.mark.django_db

GOOD = (
    "Since the upgrade to 17.1 on Monday, every deploy job fails, blocking 30 developers.\n"
    "Steps to reproduce:\n1. Push to main\n2. Watch the deploy job\n"
    "Current behaviour: it fails with exit code 1.\nExpected behaviour: the job should pass.\n"
    "Recent changes: we upgraded from 17.0 to 17.1 on Sunday evening, nothing else changed at all."
)


def test_it_stores_the_score_findings_and_gap_rows():
    ticket = TicketFactory(description="broken again, call me", preferred_region="")
    assert ticket_reviews_refresh(ticket_ids=[ticket.pk]) == 1
    ticket.refresh_from_db()
    assert ticket.quality_score == 0
    assert ticket.quality_checked_at is not None
    codes = {f["code"] for f in ticket.quality_findings}
    assert codes == set(Check.values)
    gaps = set(TicketGap.objects.filter(ticket=ticket).values_list("code", flat=True))
    assert {Check.DETAIL, Check.CALL_REQUEST, Check.REGION} <= gaps
    assert gaps == {
        f["code"] for f in ticket.quality_findings if f["outcome"] in ("partial", "missing", "flagged")
    }


def test_it_replaces_the_gaps_when_the_ticket_improves():
    ticket = TicketFactory(description="broken again", preferred_region="")
    ticket_reviews_refresh(ticket_ids=[ticket.pk])
    Ticket.objects.filter(pk=ticket.pk).update(description=GOOD, preferred_region=PreferredRegion.ALL)
    ticket_reviews_refresh(ticket_ids=[ticket.pk])
    CommentFactory(
        ticket=ticket, body=GOOD, attachments=[{"file_name": "job.log"}], created_at=ticket.zd_created_at
    )
    ticket_reviews_refresh(ticket_ids=[ticket.pk])
    ticket.refresh_from_db()
    assert ticket.quality_score == 100
    assert not TicketGap.objects.filter(ticket=ticket).exists()


def test_it_reads_the_first_comments_attachments_and_later_comments_by_role():
    requester = SupportUserFactory()
    agent = SupportUserFactory(role="agent", organization=None)
    ticket = TicketFactory(requester=requester, description=GOOD)
    opened = ticket.zd_created_at
    CommentFactory(
        ticket=ticket,
        author=requester,
        body=GOOD,
        created_at=opened,
        attachments=[{"file_name": "notes.docx"}],
    )
    CommentFactory(
        ticket=ticket,
        author=agent,
        body="Could you send the Sidekiq logs?",
        created_at=opened + dt.timedelta(hours=1),
    )
    ticket_reviews_refresh(ticket_ids=[ticket.pk])
    ticket.refresh_from_db()
    gaps = set(ticket.gaps.values_list("code", flat=True))
    assert {Check.DOC_ATTACHMENT, Check.FOLLOW_UP} <= gaps
    assert ticket.sla_replied_at == opened + dt.timedelta(hours=1)


def test_comments_that_arrived_before_their_ticket_count():
    ticket = TicketFactory(description="see comments")
    CommentFactory(
        ticket=None,
        zd_ticket_id=ticket.zd_id,
        body=GOOD,
        created_at=ticket.zd_created_at,
        attachments=[{"file_name": "trace.log"}],
        author=ticket.requester,
    )
    ticket_reviews_refresh(ticket_ids=[ticket.pk])
    ticket.refresh_from_db()
    logs = next(f for f in ticket.quality_findings if f["code"] == Check.LOGS)
    assert logs["outcome"] == "pass" and logs["evidence"] == [{"attachment": "trace.log"}]


def test_it_computes_the_sla_from_the_plan_when_zendesk_has_none_and_keeps_zendesks():
    org = OrganizationFactory(account=AccountFactory(support_level=SupportLevel.PRIORITY))
    opened = dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC)
    ours = TicketFactory(
        requester__organization=org, priority="urgent", preferred_region="all_regions", zd_created_at=opened
    )
    zendesk_due = opened + dt.timedelta(minutes=20)
    theirs = TicketFactory(
        requester__organization=org,
        priority="urgent",
        zd_created_at=opened,
        first_reply_due_at=zendesk_due,
        first_reply_at=opened + dt.timedelta(minutes=5),
    )
    ticket_reviews_refresh(ticket_ids=[ours.pk, theirs.pk])
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.sla_due_at == opened + dt.timedelta(minutes=30) and ours.sla_replied_at is None
    assert theirs.sla_due_at == zendesk_due and theirs.sla_replied_at == opened + dt.timedelta(minutes=5)


def test_it_uses_a_constant_number_of_queries_per_batch():
    tickets = [TicketFactory(description=GOOD) for _ in range(3)]
    with CaptureQueriesContext(connection) as few:
        ticket_reviews_refresh(ticket_ids=[t.pk for t in tickets])
    tickets += [TicketFactory(description=GOOD) for _ in range(40)]
    for t in tickets:
        CommentFactory(ticket=t, body="thanks")
    with CaptureQueriesContext(connection) as many:
        ticket_reviews_refresh(ticket_ids=[t.pk for t in tickets])
    assert len(many) == len(few), (len(few), len(many))


def test_ignores_ids_of_tickets_that_no_longer_exist():
    assert ticket_reviews_refresh(ticket_ids=[987654321]) == 0


def test_the_sync_signal_reviews_created_and_updated_tickets(django_capture_on_commit_callbacks):
    created = TicketFactory(description="call me now")
    updated = TicketFactory(description="broken")
    untouched = TicketFactory(description="broken")
    with django_capture_on_commit_callbacks(execute=True):
        page_synced.send(
            sender=None, stream="zendesk.tickets", created=[created.pk], updated=[updated.pk], deleted=[]
        )
    scored = dict(Ticket.objects.values_list("pk", "quality_score"))
    assert scored[created.pk] is not None and scored[updated.pk] is not None
    assert scored[untouched.pk] is None


def test_the_sync_signal_for_comments_reviews_their_tickets(django_capture_on_commit_callbacks):
    ticket = TicketFactory(description="broken")
    comment = CommentFactory(
        ticket=None,
        zd_ticket_id=ticket.zd_id,
        body="Could you send the logs?",
        author=SupportUserFactory(role="agent"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        page_synced.send(sender=None, stream="zendesk.comments", created=[comment.pk], updated=[], deleted=[])
    assert TicketGap.objects.filter(ticket=ticket, code=Check.FOLLOW_UP).exists()


def test_other_streams_are_ignored(django_capture_on_commit_callbacks):
    ticket = TicketFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page_synced.send(sender=None, stream="zendesk.users", created=[ticket.pk], updated=[], deleted=[])
    ticket.refresh_from_db()
    assert ticket.quality_score is None
    assert not [c for c in callbacks if "review" in repr(c)]


def test_a_plan_change_in_salesforce_re_times_the_accounts_open_tickets(django_capture_on_commit_callbacks):
    account = AccountFactory(support_level=SupportLevel.STANDARD)
    org = OrganizationFactory(account=account)
    opened = dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC)
    open_ticket = TicketFactory(
        requester__organization=org, priority="urgent", preferred_region="all_regions", zd_created_at=opened
    )
    solved = TicketFactory(
        requester__organization=org,
        priority="urgent",
        preferred_region="all_regions",
        zd_created_at=opened,
        status="solved",
    )
    ticket_reviews_refresh(ticket_ids=[open_ticket.pk, solved.pk])
    assert Ticket.objects.get(pk=open_ticket.pk).sla_due_at == opened + dt.timedelta(hours=24)

    account.support_level = SupportLevel.PRIORITY  # the sync wrote the new plan
    account.save()
    with django_capture_on_commit_callbacks(execute=True):
        page_synced.send(
            sender=None, stream="salesforce.accounts", created=[], updated=[account.pk], deleted=[]
        )
    assert Ticket.objects.get(pk=open_ticket.pk).sla_due_at == opened + dt.timedelta(minutes=30)
    assert Ticket.objects.get(pk=solved.pk).sla_due_at == opened + dt.timedelta(hours=24)  # held to its plan


def test_the_command_reviews_unreviewed_tickets_or_all_of_them():
    from io import StringIO

    from django.core.management import call_command

    fresh = TicketFactory(description="broken")
    done = TicketFactory(description="broken")
    ticket_reviews_refresh(ticket_ids=[done.pk])
    Ticket.objects.filter(pk=done.pk).update(quality_score=77)
    out = StringIO()
    call_command("tickets_review", "--batch", "1", stdout=out)
    assert "Reviewed 1 tickets" in out.getvalue()
    assert Ticket.objects.get(pk=fresh.pk).quality_score is not None
    assert Ticket.objects.get(pk=done.pk).quality_score == 77
    call_command("tickets_review", "--all", stdout=out)
    assert Ticket.objects.get(pk=done.pk).quality_score != 77
