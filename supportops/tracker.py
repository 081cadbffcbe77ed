"""Support-ops requests in the GitLab tracker where support ops work: the tracker project of the
organization's Zendesk instance (``Instance.tracker_project``; the global one's is
``GITLAB_ORGS_PROJECT``, docs/instances.md).

With GitLab configured, every request is also filed there as an issue whose description is the
handbook's template (the request's body). Both sides stay in step:

- portal -> GitLab: a comment made in the portal is posted on the issue; a request that ends in
  the portal (verified, cancelled, declined) closes the issue with a note saying why;
- GitLab -> portal (``ops_requests_mirror``, run by beat): the issue's comments become the
  request's comments, and a closed issue marks the request done; the portal's automatic check
  against Zendesk then verifies it after the next organization sync.

Each event is claimed (``gitlab_pushed_at``) before it is sent, and each mirrored note is kept by
its GitLab id (unique), so retries and repeated runs never post or mirror twice. Without GitLab
the portal's own queue works alone; ``new_issue_link`` gives the CSM GitLab's new-issue page,
prefilled, instead.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from csmportal import instances
from integrations import gitlab
from integrations.records import TrackerIssue

from .models import ACTIVE_STATUSES, EventVerb, OpsRequest, RequestEvent, RequestKind, RequestStatus

log = logging.getLogger(__name__)
CLOSING = {RequestStatus.VERIFIED, RequestStatus.CANCELLED, RequestStatus.DECLINED}
TRACKER_LABELS: dict[str, str] = {RequestKind.AM_PROJECT_ID: "AM ID", RequestKind.ORG_LINK: "Org link"}


def issue_title(item: OpsRequest) -> str:
    org = item.organization.name if item.organization else f"organization {item.zd_organization_id}"
    if item.kind == RequestKind.AM_PROJECT_ID:
        return f"Change the collaboration project ID (AM ID) of {org}"
    if item.kind == RequestKind.ORG_LINK:
        return f"Correct the salesforce_id of {org} (linked to the wrong account)"
    return f"Add static notes to {org}"


def tracker_project(item: OpsRequest) -> str:
    """The support-ops tracker of the request's Zendesk instance (the global one's if that
    instance is no longer configured)."""
    try:
        return instances.get(item.zd_instance).tracker_project
    except KeyError:
        return settings.GITLAB_ORGS_PROJECT


def new_issue_link(item: OpsRequest) -> str:
    """GitLab's new-issue page with this request's title and the handbook's template filled in."""
    return gitlab.new_issue_url(tracker_project(item), title=issue_title(item), description=item.body)


def issue_link(item: OpsRequest) -> str:
    return gitlab.issue_url(item.gitlab_project, item.gitlab_iid) if item.gitlab_iid else ""


def event_push(*, event_id: int) -> str:
    """Hand one request event to GitLab: file the issue, post the comment, or close the issue."""
    if not gitlab.configured():
        return "off"
    with gitlab.claimed(RequestEvent.objects, event_id) as held:
        if not held:
            return "already sent"
        event = RequestEvent.objects.select_related("request__organization", "actor").get(pk=event_id)
        item = event.request
        client = gitlab.GitLabClient.from_settings()
        if event.verb == EventVerb.OPENED:
            return _file(client, item)
        if not item.gitlab_iid:
            return "no issue"
        if event.verb == EventVerb.COMMENTED and event.actor_id:
            note = client.comment(
                item.gitlab_project, item.gitlab_iid, f"{event.actor} wrote in the portal:\n\n{event.text}"
            )
            RequestEvent.objects.filter(pk=event.pk).update(gitlab_note_id=note)
            return "commented"
        if event.to_status in CLOSING:
            words = f"{event.get_verb_display()} in the portal"
            client.comment(item.gitlab_project, item.gitlab_iid, f"{words}.\n\n{event.text}".strip())
            client.close(item.gitlab_project, item.gitlab_iid)
            OpsRequest.objects.filter(pk=item.pk).update(gitlab_state="closed")
            return "closed"
    return "nothing to send"


def _file(client: gitlab.GitLabClient, item: OpsRequest) -> str:
    if item.gitlab_iid:
        return "already filed"
    project = tracker_project(item)
    labels = ["CSM Portal", TRACKER_LABELS.get(item.kind, "Org notes")]
    issue = client.create_issue(
        project, title=issue_title(item), description=item.body, labels=labels, assignee_ids=[]
    )
    OpsRequest.objects.filter(pk=item.pk, gitlab_iid=None).update(
        gitlab_project=project,
        gitlab_iid=issue.iid,
        gitlab_state=issue.state,
        gitlab_checked_at=timezone.now(),
    )
    log.info("request %s filed as %s#%s", item.pk, project, issue.iid)
    return "filed"


OPEN_HERE = (RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.FLAGGED)


def ops_requests_mirror() -> int:
    """Read every active request's issue: new comments come in, a closed issue marks it done.
    Returns the requests that changed. Idempotent."""
    if not gitlab.configured():
        return 0
    changed = 0
    items = OpsRequest.objects.filter(status__in=ACTIVE_STATUSES, gitlab_iid__isnull=False)
    for item, issue in gitlab.read_issues(items.select_related("account", "organization")):
        now = timezone.now()
        OpsRequest.objects.filter(pk=item.pk).update(gitlab_state=issue.state, gitlab_checked_at=now)
        touched = _mirror_notes(item, issue)
        if issue.state == "closed" and item.status in OPEN_HERE:
            touched = _mirror_closed(item, issue) or touched
        changed += touched
    return changed


def _mirror_notes(item: OpsRequest, issue: TrackerIssue) -> bool:
    from .services import _record

    new = gitlab.unseen_notes(issue, RequestEvent.objects.filter(request=item))
    for note in new:
        with transaction.atomic():
            event = _record(
                item,
                actor=None,
                verb=EventVerb.COMMENTED,
                text=gitlab.mirrored_text(note),
                summary=f"{note.author} commented on the GitLab issue",
            )
            RequestEvent.objects.filter(pk=event.pk).update(gitlab_note_id=note.id)
    return bool(new)


def _mirror_closed(item: OpsRequest, issue: TrackerIssue) -> bool:
    from .services import RequestConflict, _transition

    try:
        _transition(
            item,
            actor=None,
            allowed=Q(status__in=OPEN_HERE),
            to_status=RequestStatus.DONE,
            verb=EventVerb.DONE,
            text=f"The GitLab issue {issue.web_url} was closed.",
            summary="The support-ops issue was closed in GitLab (awaiting verification in Zendesk)",
            fields={"done_at": timezone.now()},
        )
    except RequestConflict:
        return False
    return True
