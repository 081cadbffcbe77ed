"""Forwarded feedback in the support Feedback project in GitLab (``GITLAB_FEEDBACK_PROJECT``),
as the SSAT workflow's issues look.

With GitLab configured, a forwarded item is also filed as "<Sentiment> feedback for ticket N",
assigned to the reviewing manager's GitLab user (found by their email through the API; when
nobody matches, the item says so and the issue stays unassigned: never a guess), labelled with
its sentiment, the account's region and ``SSAT::Contact`` when the CSM said the customer wants a
manager to contact them. The manager's triage in the portal is posted as the workflow's comment
(Summary, Action, Contact customer, Make CSM aware); comments go both ways; closing either side
closes both. Claims and note ids keep every step at most once, as for support-ops requests.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from integrations import gitlab
from integrations.records import TrackerIssue
from tickets.review.secrets import mask

from .models import OPEN_FEEDBACK, EventKind, Feedback, FeedbackEvent, FeedbackStatus

log = logging.getLogger(__name__)
PUSHED = (EventKind.FORWARDED, EventKind.TRIAGED, EventKind.COMMENTED, EventKind.CLOSED)


def issue_title(item: Feedback) -> str:
    number = item.ticket_number
    about = f"ticket {number}" if number else item.account.name
    return f"{item.get_sentiment_display()} feedback for {about}"


def issue_labels(item: Feedback) -> list[str]:
    labels = [item.get_sentiment_display()]
    if item.account.region:  # the code (AMER, EMEA, APAC): GitLab labels cannot hold commas
        labels.append(f"Region::{item.account.region}")
    if item.wants_manager_contact:
        labels.append("SSAT::Contact")
    return labels


def issue_description(item: Feedback) -> str:
    lines = [
        f"**Account**: {item.account.name}",
        f"**Ticket**: {item.ticket_number or 'none named'}",
        f"**Channel**: {item.get_channel_display()}",
        f"**Forwarded by**: {item.forwarded_by}",
        "",
        "**The customer's words**:",
        "",
        mask(item.customer_words),
    ]
    if item.csm_context:
        lines += ["", "**Context from the CSM**:", "", mask(item.csm_context)]
    if item.wants_manager_contact:
        lines += ["", "The customer would like a support manager to contact them."]
    lines += ["", f"Portal item: {settings.SITE_URL}/feedback/{item.pk}/"]
    return "\n".join(lines)


def triage_comment(item: Feedback) -> str:
    """The SSAT workflow's triage comment."""

    def yes(value: bool | None) -> str:
        return "Y" if value else "N"

    return (
        f"**Summary**: {item.summary}\n\n**Action**: {item.action}\n\n"
        f"**Contact customer**: {yes(item.contact_customer)}\n\n"
        f"**Make CSM aware**: {yes(item.make_csm_aware)}"
    )


def issue_link(item: Feedback) -> str:
    return gitlab.issue_url(item.gitlab_project, item.gitlab_iid) if item.gitlab_iid else ""


def wants_push(event: FeedbackEvent) -> bool:
    return event.kind in PUSHED and (event.kind == EventKind.FORWARDED or event.actor_id is not None)


def event_push(*, event_id: int) -> str:
    if not gitlab.configured():
        return "off"
    with gitlab.claimed(FeedbackEvent.objects, event_id) as held:
        if not held:
            return "already sent"
        event = FeedbackEvent.objects.select_related("feedback__account", "actor").get(pk=event_id)
        item = event.feedback
        client = gitlab.GitLabClient.from_settings()
        if event.kind == EventKind.FORWARDED:
            return _file(client, item)
        if not item.gitlab_iid:
            return "no issue"
        project, iid = item.gitlab_project, item.gitlab_iid
        if event.kind == EventKind.TRIAGED:
            note = client.comment(project, iid, triage_comment(item))
        elif event.kind == EventKind.COMMENTED:
            note = client.comment(project, iid, f"{event.actor} wrote in the portal:\n\n{mask(event.body)}")
        else:  # closed in the portal
            note = client.comment(
                project, iid, f"Closed in the portal by {event.actor}.\n\n{mask(event.body)}"
            )
            client.close(project, iid)
            Feedback.objects.filter(pk=item.pk).update(gitlab_state="closed")
        FeedbackEvent.objects.filter(pk=event.pk).update(gitlab_note_id=note)
        return event.kind


def _file(client: gitlab.GitLabClient, item: Feedback) -> str:
    if item.gitlab_iid:
        return "already filed"
    assignees, finding = [], ""
    manager = item.reviewing_manager
    if manager is not None:
        found = client.user_id_by_email(manager.email)
        if found is None:
            finding = f"No GitLab user has {manager.email}: the issue is not assigned to {manager}."
        else:
            assignees = [found]
    project = settings.GITLAB_FEEDBACK_PROJECT
    issue = client.create_issue(
        project,
        title=issue_title(item),
        description=issue_description(item),
        labels=issue_labels(item),
        assignee_ids=assignees,
    )
    Feedback.objects.filter(pk=item.pk, gitlab_iid=None).update(
        gitlab_project=project, gitlab_iid=issue.iid, gitlab_state=issue.state, gitlab_finding=finding
    )
    return "filed"


def feedback_mirror() -> int:
    """Read every open item's issue: new comments come in, a closed issue closes the item."""
    if not gitlab.configured():
        return 0
    changed = 0
    items = Feedback.objects.filter(status__in=OPEN_FEEDBACK, gitlab_iid__isnull=False)
    for item, issue in gitlab.read_issues(items):
        Feedback.objects.filter(pk=item.pk).update(gitlab_state=issue.state)
        touched = _mirror_notes(item, issue)
        if issue.state == "closed":
            touched = _mirror_closed(item, issue) or touched
        changed += touched
    return changed


def _mirror_notes(item: Feedback, issue: TrackerIssue) -> bool:
    from .services import feedback_event_record

    new = gitlab.unseen_notes(issue, FeedbackEvent.objects.filter(feedback=item))
    for note in new:
        with transaction.atomic():
            event = feedback_event_record(
                feedback=item, actor=None, kind=EventKind.COMMENTED, body=gitlab.mirrored_text(note)
            )
            FeedbackEvent.objects.filter(pk=event.pk).update(gitlab_note_id=note.id)
    return bool(new)


def _mirror_closed(item: Feedback, issue: TrackerIssue) -> bool:
    from .services import feedback_event_record

    now = timezone.now()
    outcome = f"Closed in GitLab ({issue.web_url})."
    with transaction.atomic():
        closed = Feedback.objects.filter(pk=item.pk, status__in=OPEN_FEEDBACK).update(
            status=FeedbackStatus.CLOSED,
            closed_at=now,
            updated_at=now,
            outcome=Coalesce(NullIf(F("outcome"), Value("")), Value(outcome)),
        )
        if closed:
            event = feedback_event_record(
                feedback=item,
                actor=None,
                kind=EventKind.CLOSED,
                from_status=item.status,
                to_status=FeedbackStatus.CLOSED,
                body=outcome,
            )
            FeedbackEvent.objects.filter(pk=event.pk).update(gitlab_pushed_at=now)
    return bool(closed)
