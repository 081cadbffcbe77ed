"""The GitLab REST API subset the portal's trackers use (``/api/v4``): projects, issues, notes,
labels and users, authenticated by a personal access token (``PRIVATE-TOKEN`` header or
``Authorization: Bearer``), shapes as GitLab's API reference gives them.

Projects are addressed by id or by their URL-encoded full path, as python-gitlab does. The
sandbox starts with the support-ops organizations tracker and the support feedback project,
and a few users; tests act on issues through ``GitLabStore`` (close one, comment on it).
"""

from __future__ import annotations

import hmac
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .ids import iso_z
from .web import Request, Response, Router, json_response

UNAUTHORIZED = {"message": "401 Unauthorized"}
NOT_FOUND = {"message": "404 Not Found"}
# The projects of the handbook's hand-offs (the portal's defaults), and people who work them.
PROJECTS = (
    "gitlab-com/support/support-ops/zendesk-global/organizations",
    "gitlab-com/support/feedback",
)
USERS = (
    ("support-ops-bot", "Support Ops Bot", "ops@example.com"),
    ("support-manager", "Support Manager", "manager@example.com"),
    ("portal-csm", "Portal CSM", "csm@example.com"),
)


@dataclass
class Project:
    id: int
    path: str
    issues: dict[int, dict] = field(default_factory=dict)
    labels: dict[str, dict] = field(default_factory=dict)
    next_iid: int = 1


def instance_tracker(key: str) -> str:
    """The support-ops tracker the portal files another Zendesk instance's requests in by default
    (csmportal.instances: zendesk-global's project, named for the instance)."""
    return PROJECTS[0].replace("zendesk-global", f"zendesk-{key}")


class GitLabStore:
    def __init__(self, base_url: str, token: str, extra_projects: tuple[str, ...] = ()) -> None:
        self.base_url = base_url
        self.token = token
        self.lock = threading.Lock()
        self._ids = itertools.count(1000)
        self.projects: dict[int, Project] = {}
        self.users: list[dict[str, Any]] = [
            {"id": 100 + n, "username": u, "name": name, "email": email, "state": "active"}
            for n, (u, name, email) in enumerate(USERS)
        ]
        self.me = {
            "id": 99,
            "username": "csm-portal",
            "name": "CSM Portal",
            "email": "portal@example.com",
            "state": "active",
        }
        for n, path in enumerate(dict.fromkeys(PROJECTS + extra_projects), start=1):
            self.projects[n] = Project(n, path)

    # -- lookups -------------------------------------------------------------------------------
    def project(self, ref: str) -> Project | None:
        ref = unquote(ref)
        if ref.isdecimal():
            return self.projects.get(int(ref))
        return next((p for p in self.projects.values() if p.path == ref), None)

    def _now(self) -> str:
        return iso_z(time.time())

    def _user(self, user_id: Any) -> dict | None:
        return next((u for u in self.users if str(u["id"]) == str(user_id)), None)

    def _brief(self, user: dict) -> dict:
        return {k: user[k] for k in ("id", "username", "name", "state")} | {
            "web_url": f"{self.base_url}/{user['username']}"
        }

    def issue_json(self, project: Project, issue: dict) -> dict:
        return {
            **{k: v for k, v in issue.items() if k != "notes"},
            "project_id": project.id,
            "web_url": f"{self.base_url}/{project.path}/-/issues/{issue['iid']}",
            "user_notes_count": len(issue["notes"]),
            "references": {"short": f"#{issue['iid']}", "full": f"{project.path}#{issue['iid']}"},
        }

    # -- writes (the API and tests) ------------------------------------------------------------
    def create_issue(self, project: Project, data: dict, author: dict) -> dict:
        labels = data.get("labels") or []
        if isinstance(labels, str):
            labels = [x.strip() for x in labels.split(",") if x.strip()]
        assignees = [self._user(i) for i in data.get("assignee_ids") or ()]
        now = self._now()
        with self.lock:
            iid = project.next_iid
            project.next_iid += 1
            issue = {
                "id": next(self._ids),
                "iid": iid,
                "title": str(data.get("title") or ""),
                "description": str(data.get("description") or ""),
                "state": "opened",
                "labels": labels,
                "assignees": [self._brief(a) for a in assignees if a],
                "author": self._brief(author),
                "created_at": now,
                "updated_at": now,
                "closed_at": None,
                "notes": [],
            }
            project.issues[iid] = issue
            for label in labels:
                project.labels.setdefault(label, {"id": next(self._ids), "name": label, "color": "#428BCA"})
        return issue

    def add_note(self, project: Project, iid: int, body: str, author: dict) -> dict:
        with self.lock:
            issue = project.issues[iid]
            note = {
                "id": next(self._ids),
                "body": body,
                "author": self._brief(author),
                "created_at": self._now(),
                "updated_at": self._now(),
                "system": False,
                "noteable_id": issue["id"],
                "noteable_iid": iid,
                "noteable_type": "Issue",
            }
            issue["notes"].append(note)
            issue["updated_at"] = note["created_at"]
        return note

    def set_state(self, project: Project, iid: int, event: str, author: dict) -> dict:
        with self.lock:
            issue = project.issues[iid]
            if event == "close" and issue["state"] == "opened":
                issue.update(state="closed", closed_at=self._now(), updated_at=self._now())
            elif event == "reopen" and issue["state"] == "closed":
                issue.update(state="opened", closed_at=None, updated_at=self._now())
        return issue

    def user(self, username: str) -> dict:
        return next(u for u in self.users if u["username"] == username)


def register(router: Router, store: GitLabStore) -> None:
    def add(method: str, path: str, handler) -> None:
        def run(req: Request, **kw: str) -> Response:
            if not _authorised(req, store):
                return json_response(UNAUTHORIZED, 401)
            project = None
            if "project" in kw:
                project = store.project(kw.pop("project"))
                if project is None:
                    return json_response({"message": "404 Project Not Found"}, 404)
                kw["project"] = project  # type: ignore[assignment]
            if "iid" in kw:
                iid = int(kw["iid"])
                if project is None or iid not in project.issues:
                    return json_response({"message": "404 Issue Not Found"}, 404)
                kw["iid"] = iid  # type: ignore[assignment]
            return handler(req, store, **kw)

        router.add(method, r"/api/v4/" + path, run)

    project = r"projects/(?P<project>[^/]+)"
    issue = project + r"/issues/(?P<iid>\d+)"
    add("GET", r"user", lambda req, s: json_response(s.me))
    add("GET", r"users", list_users)
    add("GET", project, lambda req, s, project: json_response(_project_json(s, project)))
    add("GET", project + r"/issues", list_issues)
    add("POST", project + r"/issues", create_issue)
    add("GET", issue, lambda req, s, project, iid: json_response(s.issue_json(project, project.issues[iid])))
    add("PUT", issue, update_issue)
    add("GET", issue + r"/notes", list_notes)
    add("POST", issue + r"/notes", create_note)
    add("GET", project + r"/labels", lambda req, s, project: json_response(list(project.labels.values())))


def _authorised(req: Request, store: GitLabStore) -> bool:
    token = req.headers.get("private-token") or req.bearer() or ""
    return bool(token) and hmac.compare_digest(token, store.token)


def _body(req: Request) -> dict:
    if req.headers.get("content-type", "").startswith("application/json"):
        data = req.json()
        return data if isinstance(data, dict) else {}
    return req.form()


def _project_json(store: GitLabStore, project: Project) -> dict:
    name = project.path.rsplit("/", 1)[-1]
    return {
        "id": project.id,
        "name": name,
        "path": name,
        "path_with_namespace": project.path,
        "web_url": f"{store.base_url}/{project.path}",
    }


def list_users(req: Request, store: GitLabStore) -> Response:
    """``?search=`` matches username, name or (for the admin token, as on GitLab) email."""
    search = (req.arg("search") or "").casefold()
    username = req.arg("username")
    found = [
        u
        for u in store.users
        if (username is None or u["username"] == username)
        and (not search or search in (u["username"].casefold(), u["name"].casefold(), u["email"].casefold()))
    ]
    return json_response([{**store._brief(u), "public_email": u["email"]} for u in found])


def list_issues(req: Request, store: GitLabStore, project: Project) -> Response:
    state = req.arg("state") or "all"
    iids = {int(v) for v in req.query.get("iids[]", []) if v.isdecimal()}
    found = [
        store.issue_json(project, i)
        for i in sorted(project.issues.values(), key=lambda i: -i["iid"])
        if (state == "all" or i["state"] == state) and (not iids or i["iid"] in iids)
    ]
    return json_response(found, headers=[("X-Total", str(len(found))), ("X-Total-Pages", "1")])


def create_issue(req: Request, store: GitLabStore, project: Project) -> Response:
    data = _body(req)
    if not str(data.get("title") or "").strip():
        return json_response({"error": "title is missing"}, 400)
    if isinstance(data.get("assignee_ids"), str):
        data["assignee_ids"] = [x for x in data["assignee_ids"].split(",") if x]
    issue = store.create_issue(project, data, store.me)
    return json_response(store.issue_json(project, issue), 201)


def update_issue(req: Request, store: GitLabStore, project: Project, iid: int) -> Response:
    data = _body(req)
    event = data.get("state_event")
    if event in ("close", "reopen"):
        store.set_state(project, iid, event, store.me)
    if "labels" in data:
        labels = data["labels"]
        project.issues[iid]["labels"] = labels if isinstance(labels, list) else labels.split(",")
    return json_response(store.issue_json(project, project.issues[iid]))


def list_notes(req: Request, store: GitLabStore, project: Project, iid: int) -> Response:
    notes = list(project.issues[iid]["notes"])
    if (req.arg("sort") or "desc") == "desc":
        notes.reverse()
    return json_response(notes, headers=[("X-Total", str(len(notes))), ("X-Total-Pages", "1")])


def create_note(req: Request, store: GitLabStore, project: Project, iid: int) -> Response:
    body = str(_body(req).get("body") or "")
    if not body.strip():
        return json_response({"error": "body is missing"}, 400)
    return json_response(store.add_note(project, iid, body, store.me), 201)
