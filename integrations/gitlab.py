"""The GitLab client: the only module that imports python-gitlab.

The portal files issues in the trackers where support ops and support managers work
(``GITLAB_ORGS_PROJECT``, ``GITLAB_FEEDBACK_PROJECT``), reads their state and comments back,
and finds GitLab users by email. The API is ``GITLAB_API_URL`` (the sandbox's with
``SANDBOX``); the links people follow are built from ``GITLAB_URL`` and the project's path,
never taken from an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlencode

import gitlab
from django.conf import settings
from django.utils import timezone
from gitlab.exceptions import GitlabAuthenticationError, GitlabError

from .errors import PermanentError, SyncError, TransientError
from .http import NETWORK_ERRORS, make_session, origin_of
from .records import TrackerIssue, TrackerNote
from .zendesk_records import parse_dt

log = logging.getLogger(__name__)


# The Celery options of the tasks that hand one event to GitLab (feedback and support-ops).
PUSH_TASK_OPTIONS: dict[str, Any] = {
    "autoretry_for": (TransientError, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 6,
    "soft_time_limit": 60,
    "time_limit": 90,
}


def configured() -> bool:
    return bool(settings.GITLAB_TOKEN and settings.GITLAB_API_URL)


def issue_url(project: str, iid: int) -> str:
    return f"{settings.GITLAB_URL}/{project}/-/issues/{int(iid)}"


def new_issue_url(project: str, *, title: str, description: str) -> str:
    """GitLab's new-issue page, prefilled (for when the portal may not file it itself)."""
    query = urlencode({"issue[title]": title, "issue[description]": description}, quote_via=quote)
    return f"{settings.GITLAB_URL}/{project}/-/issues/new?{query}"


class GitLabClient:
    def __init__(self, *, api_url: str, token: str, sandbox: bool = False) -> None:
        if not (api_url and token):
            raise PermanentError("GitLab is not configured: set GITLAB_TOKEN (and GITLAB_URL).")
        # The token goes to the configured API host only, whatever URL an answer names (python-gitlab
        # follows the Link headers of paginated lists).
        fix = "Check GITLAB_API_URL: the portal sends the GitLab token nowhere else."
        self.session = make_session(sandbox=sandbox, allowed={origin_of(api_url)}, source="GitLab", fix=fix)
        # python-gitlab passes its own `verify` with every request: hand it the session's.
        verify = True if self.session.verify is None else self.session.verify
        self.gl = gitlab.Gitlab(
            api_url, private_token=token, session=self.session, timeout=30, ssl_verify=verify
        )

    @classmethod
    def from_settings(cls) -> GitLabClient:
        return cls(
            api_url=settings.GITLAB_API_URL, token=settings.GITLAB_TOKEN or "", sandbox=settings.SANDBOX
        )

    def _project(self, project: str) -> Any:
        return self.gl.projects.get(project, lazy=True)

    def _call(self, what: str, send: Any) -> Any:
        try:
            return send()
        except GitlabAuthenticationError as exc:
            raise PermanentError(f"GitLab {what}: the token was refused ({exc.response_code})") from exc
        except NETWORK_ERRORS as exc:
            raise TransientError(f"GitLab {what}: {type(exc).__name__}") from exc
        except GitlabError as exc:
            code = getattr(exc, "response_code", None) or 0
            if code >= 500 or code == 429:
                raise TransientError(f"GitLab {what}: answered {code}") from exc
            raise PermanentError(f"GitLab {what}: {code} {exc.error_message}") from exc

    def create_issue(
        self, project: str, *, title: str, description: str, labels: list[str], assignee_ids: list[int]
    ) -> TrackerIssue:
        data = {"title": title, "description": description, "labels": ",".join(labels)}
        if assignee_ids:
            data["assignee_ids"] = assignee_ids  # type: ignore[assignment]
        issue = self._call(
            f"file an issue in {project}",
            lambda: self.gl.projects.get(project, lazy=True).issues.create(data),
        )
        return TrackerIssue(project, int(issue.iid), str(issue.state), issue_url(project, issue.iid))

    def issue(self, project: str, iid: int) -> TrackerIssue:
        """The issue's state and its comments, oldest first."""

        def read() -> TrackerIssue:
            issue = self._project(project).issues.get(iid)
            notes = issue.notes.list(sort="asc", order_by="created_at", get_all=True)
            return TrackerIssue(
                project,
                int(iid),
                str(issue.state),
                issue_url(project, iid),
                tuple(
                    TrackerNote(
                        int(n.id),
                        str((n.author or {}).get("username") or ""),
                        str(n.body or ""),
                        parse_dt(n.created_at),
                        bool(getattr(n, "system", False)),
                    )
                    for n in notes
                ),
            )

        return self._call(f"read {project}#{iid}", read)

    def comment(self, project: str, iid: int, body: str) -> int:
        note = self._call(
            f"comment on {project}#{iid}",
            lambda: (
                self.gl.projects.get(project, lazy=True)
                .issues.get(iid, lazy=True)
                .notes.create({"body": body})
            ),
        )
        return int(note.id)

    def close(self, project: str, iid: int) -> None:
        def send() -> None:
            issue = self._project(project).issues.get(iid)
            if issue.state != "closed":
                issue.state_event = "close"
                issue.save()

        self._call(f"close {project}#{iid}", send)

    def user_id_by_email(self, email: str) -> int | None:
        """The GitLab user whose (public, or for an admin token, primary) email is exactly this
        one, case-insensitively; None when nobody or more than one matches."""
        wanted = email.strip().casefold()
        users = self._call("find a user", lambda: self.gl.users.list(search=email, get_all=False))
        found = [
            u
            for u in users
            if wanted in {str(getattr(u, f, "") or "").casefold() for f in ("public_email", "email")}
        ]
        return int(found[0].id) if len(found) == 1 else None


@contextmanager
def claimed(events: Any, event_id: int) -> Iterator[bool]:
    """Claim one event for GitLab (a conditional UPDATE of ``gitlab_pushed_at``): True when this
    call holds it, False when it was sent (or is being sent) already. A send that fails releases
    the claim, so the task's retry sends it."""
    held = bool(events.filter(pk=event_id, gitlab_pushed_at=None).update(gitlab_pushed_at=timezone.now()))
    try:
        yield held
    except SyncError:
        if held:
            events.filter(pk=event_id).update(gitlab_pushed_at=None)
        raise


def read_issues(items: Iterable[Any]) -> Iterator[tuple[Any, TrackerIssue]]:
    """Each item's issue (items carry ``gitlab_project`` and ``gitlab_iid``); an issue that
    cannot be read now is logged and skipped (the next run reads it)."""
    client = GitLabClient.from_settings()
    for item in items:
        try:
            yield item, client.issue(item.gitlab_project, item.gitlab_iid)
        except SyncError as exc:
            log.warning("%s %s: could not read its GitLab issue: %s", type(item).__name__, item.pk, exc)


def unseen_notes(issue: TrackerIssue, events: Any) -> list[TrackerNote]:
    """The issue's people's notes not yet among ``events`` (a queryset with ``gitlab_note_id``)."""
    known = set(events.filter(gitlab_note_id__isnull=False).values_list("gitlab_note_id", flat=True))
    return [n for n in issue.notes if not n.system and n.id not in known]


def mirrored_text(note: TrackerNote) -> str:
    return f"{note.author} in GitLab: {note.body}"
