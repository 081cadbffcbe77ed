"""Forwarded feedback in the support Feedback project, end to end against the sandbox's GitLab
(python-gitlab over HTTPS): filed as the SSAT workflow's issue, assigned to the reviewing
manager found by email, the triage posted as the workflow's comment, closing either side closes
both; a manager without a GitLab user is a finding, never a guess."""

import pytest

from feedback import services, tracker, workflow
from feedback.models import EventKind, FeedbackStatus

pytestmark = [pytest.mark.django_db(transaction=True)]
PROJECT = "gitlab-com/support/feedback"


@pytest.fixture
def gitlab_on(sandbox, settings):
    for name, value in sandbox.settings().items():
        setattr(settings, name, value)
    return sandbox


def forward(csm, account, ticket, **extra):
    return services.feedback_forward(
        forwarded_by=csm,
        account=account,
        sentiment="negative",
        channel="call",
        customer_words="The engineer never answered. My token glpat-abcdefghijklmnopqrstuvwx was in it.",
        ticket=ticket,
        **extra,
    )


def test_it_is_filed_as_the_workflows_issue_and_the_triage_is_its_comment(
    gitlab_on, csm, account, ticket, on_duty, client
):
    item = forward(csm, account, ticket, wants_manager_contact=True)
    item.refresh_from_db()
    assert item.gitlab_project == PROJECT and item.gitlab_iid == 1 and not item.gitlab_finding
    issue = gitlab_on.gitlab.project(PROJECT).issues[1]
    assert issue["title"] == f"Negative feedback for ticket {ticket.zd_id}"
    assert set(issue["labels"]) == {"Negative", "Region::EMEA", "SSAT::Contact"}
    assert [a["username"] for a in issue["assignees"]] == ["support-manager"]  # found by the manager's email
    assert "glpat-abcdefghij" not in issue["description"]  # the customer's words go out masked
    assert "The engineer never answered." in issue["description"]

    workflow.feedback_triage(
        feedback=item,
        by=on_duty,
        summary="Slow reply",
        action="Coach the engineer",
        contact_customer=True,
        make_csm_aware=False,
    )
    assert issue["notes"][-1]["body"] == (
        "**Summary**: Slow reply\n\n**Action**: Coach the engineer\n\n"
        "**Contact customer**: Y\n\n**Make CSM aware**: N"
    )
    client.force_login(csm)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert f"{PROJECT}#1" in page


def test_closing_in_gitlab_closes_the_item_and_closing_here_closes_the_issue(
    gitlab_on, csm, account, ticket, on_duty
):
    first = forward(csm, account, ticket)
    store = gitlab_on.gitlab
    project = store.project(PROJECT)
    store.add_note(project, 1, "Spoke to the customer.", store.user("support-manager"))
    store.set_state(project, 1, "close", store.user("support-manager"))
    assert tracker.feedback_mirror() == 1
    first.refresh_from_db()
    assert first.status == FeedbackStatus.CLOSED and "Closed in GitLab" in first.outcome
    assert (
        first.events.filter(
            kind=EventKind.COMMENTED, body="support-manager in GitLab: Spoke to the customer."
        ).count()
        == 1
    )
    assert tracker.feedback_mirror() == 0  # nothing mirrored twice

    second = forward(csm, account, None, zd_ticket_id=424242)
    workflow.feedback_triage(
        feedback=second, by=on_duty, summary="s", action="a", contact_customer=False, make_csm_aware=False
    )
    workflow.feedback_close(feedback=second, by=on_duty, outcome="Nothing more to do.")
    issue = project.issues[second.gitlab_iid if second.gitlab_iid else 2]
    assert issue["state"] == "closed" and "Nothing more to do." in issue["notes"][-1]["body"]


def test_a_manager_without_a_gitlab_user_is_a_finding_not_a_guess(gitlab_on, csm, account, ticket, manager):
    from tests.factories.feedback import RotationWeekFactory

    manager.email = "someone.else@example.com"
    manager.save()
    RotationWeekFactory(manager=manager)
    item = forward(csm, account, ticket)
    item.refresh_from_db()
    assert gitlab_on.gitlab.project(PROJECT).issues[1]["assignees"] == []
    assert "No GitLab user has someone.else@example.com" in item.gitlab_finding
