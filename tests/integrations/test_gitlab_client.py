"""python-gitlab against the sandbox's GitLab over HTTPS: file, read, comment, close, find people."""

import pytest
from django.conf import settings

from integrations.errors import PermanentError
from integrations.gitlab import GitLabClient, new_issue_url

ORGS = "gitlab-com/support/support-ops/zendesk-global/organizations"


@pytest.fixture
def client(synced):
    return GitLabClient.from_settings()


def test_it_files_reads_comments_on_and_closes_an_issue(client, synced):
    filed = client.create_issue(
        ORGS, title="AM ID for Acme", description="**Org**: x", labels=["a"], assignee_ids=[]
    )
    assert filed.iid == 1 and filed.state == "opened"
    assert filed.web_url == f"{settings.GITLAB_URL}/{ORGS}/-/issues/1"  # built here, not taken from GitLab
    store = synced.gitlab
    project = store.project(ORGS)
    store.add_note(project, 1, "Changed in Zendesk.", store.user("support-ops-bot"))
    client.comment(ORGS, 1, "Thanks!")
    seen = client.issue(ORGS, 1)
    assert [(n.author, n.body) for n in seen.notes] == [
        ("support-ops-bot", "Changed in Zendesk."),
        ("csm-portal", "Thanks!"),
    ]
    client.close(ORGS, 1)
    assert client.issue(ORGS, 1).state == "closed"
    assert project.issues[1]["labels"] == ["a"]


def test_it_finds_a_user_by_exact_email_only(client):
    assert client.user_id_by_email("OPS@example.com") == 100
    assert client.user_id_by_email("ops@example.co") is None  # a near miss is nobody


def test_a_refused_token_and_an_unknown_project_are_named(synced, settings):
    with pytest.raises(PermanentError, match=r"not found|404"):
        GitLabClient.from_settings().issue("nobody/nothing", 1)
    settings.GITLAB_TOKEN = "wrong"
    with pytest.raises(PermanentError, match=r"token was refused|401"):
        GitLabClient.from_settings().issue(ORGS, 1)


def test_the_prefilled_new_issue_link_carries_title_and_description(settings):
    settings.GITLAB_URL = "https://gitlab.com"
    url = new_issue_url(ORGS, title="AM ID & more", description="line 1\nline 2")
    assert url.startswith(f"https://gitlab.com/{ORGS}/-/issues/new?")
    assert "issue%5Btitle%5D=AM%20ID%20%26%20more" in url and "line%201%0Aline%202" in url
