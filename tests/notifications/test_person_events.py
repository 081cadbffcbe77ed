"""Events addressed to a person reach their bell: requests, feedback, steps, handovers."""

import pytest
from django.db import transaction

from accounts.services import account_event_record
from feedback.services import feedback_comment, feedback_forward, feedback_reassign
from feedback.workflow import feedback_close, feedback_mark_actioned, feedback_triage
from notifications.models import Kind, Notification, Reason
from notifications.person_events import PersonEvent, person_event_notify
from supportops.services import (
    ops_request_claim,
    ops_request_comment,
    ops_request_mark_done,
    ops_requests_verify,
)
from tests.factories import AccountFactory, OpsRequestFactory, OrganizationFactory
from tests.notifications.conftest import announce

pytestmark = pytest.mark.django_db


def bell_of(user):
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("kind", "summary", "link")
    )


@pytest.fixture
def request_of(csm):
    account = AccountFactory(name="Acme Rockets", csm=csm)
    org = OrganizationFactory(account=account, name="Acme Rockets", am_project_id="1")
    return OpsRequestFactory(
        organization=org, account=account, requested_by=csm, requested_am_project_id="42"
    )


def test_support_ops_claiming_doing_and_the_portal_verifying_a_request_each_reach_the_csms_bell(
    csm, ops, request_of
):
    ops_request_claim(user=ops, ops_request=request_of)
    ops_request_mark_done(user=ops, ops_request=request_of)
    org = request_of.organization
    org.am_project_id = "42"
    org.save()
    assert ops_requests_verify(organization_ids=[org.pk]) == [request_of.pk]

    kinds = [(kind, summary) for kind, summary, _ in bell_of(csm)]
    assert [k for k, _ in kinds] == [Kind.CLAIMED, Kind.DONE, Kind.VERIFIED]
    assert kinds[0][1].startswith("Support Ops claimed your request #")
    assert "Acme Rockets" in kinds[0][1]
    assert {link for *_, link in bell_of(csm)} == {f"/requests/{request_of.pk}/"}
    assert bell_of(ops) == []  # the person who acted is not told about their own act


def test_a_comment_reaches_the_other_side_of_the_request(csm, ops, request_of):
    ops_request_claim(user=ops, ops_request=request_of)
    ops_request_comment(user=csm, ops_request=request_of, text="Any news?")
    assert [k for k, *_ in bell_of(ops)] == [Kind.COMMENTED]
    ops_request_comment(user=ops, ops_request=request_of, text="Tomorrow.")
    assert [k for k, *_ in bell_of(csm)] == [Kind.CLAIMED, Kind.COMMENTED]


def test_feedback_assigned_triaged_actioned_closed_and_commented_reach_the_right_people(
    csm, manager, other_csm
):
    from users.models import User

    second_manager = User.objects.create_user(
        email="m2@example.com", name="Second Manager", password="x" * 12
    )
    second_manager.groups.add(*manager.groups.all())
    account = AccountFactory(name="Globex", csm=other_csm)
    item = feedback_forward(
        forwarded_by=csm, account=account, sentiment="negative", channel="call", customer_words="Too slow."
    )
    feedback_reassign(feedback=item, manager=second_manager, by=manager)
    assert bell_of(second_manager)[0][:2] == (
        Kind.ASSIGNED,
        "Feedback on Globex is assigned to you by Support Manager",
    )

    feedback_triage(
        feedback=item,
        by=second_manager,
        summary="Slow",
        action="Coach",
        contact_customer=False,
        make_csm_aware=False,
    )
    feedback_mark_actioned(feedback=item, by=second_manager, outcome="Coached the engineer.")
    feedback_close(feedback=item, by=second_manager, outcome="")
    feedback_comment(feedback=item, by=second_manager, body="Thanks for raising it.")
    expected = [Kind.TRIAGED, Kind.ACTIONED, Kind.CLOSED, Kind.COMMENTED]
    # The forwarder and the account's CSM both hear, each once, with why.
    for person, reason in ((csm, Reason.FORWARDER), (other_csm, Reason.CSM)):
        assert [k for k, *_ in bell_of(person)] == expected
        assert set(Notification.objects.filter(recipient=person).values_list("reason", flat=True)) == {reason}
    assert bell_of(csm)[0][1] == "Second Manager triaged your feedback on Globex"

    feedback_comment(feedback=item, by=csm, body="The customer called again.")
    assert [k for k, *_ in bell_of(second_manager)] == [Kind.ASSIGNED, Kind.COMMENTED]


def test_an_onboarding_step_assigned_to_someone_and_an_account_handed_over_reach_them(csm, other_csm):
    account = AccountFactory(name="Initech", csm=other_csm)
    account_event_record(
        account=account,
        actor=csm,
        verb="checklist.step_assigned",
        summary="Assigned “Email the sold-to contact” to Other CSM.",
        detail={"step": 1, "owner": other_csm.pk},
    )
    account_event_record(
        account=account,
        actor=None,
        verb="sync.csm_changed",
        summary="...",
        detail={"from": csm.pk, "to": other_csm.pk},
    )
    # A first match (no CSM before) is not a handover: a new login's portfolio is no news.
    account_event_record(
        account=account,
        actor=None,
        verb="sync.csm_changed",
        summary="...",
        detail={"from": None, "to": csm.pk},
    )
    assert [s for _, s, _ in bell_of(other_csm)] == [
        "Casey CSM assigned you an onboarding step of Initech: “Email the sold-to contact”",
        "Initech is handed over to you: you are its CSM now (Salesforce)",
    ]
    assert bell_of(csm) == []


def test_recording_an_event_twice_notifies_once_and_a_rolled_back_change_notifies_nobody(
    csm, ops, request_of
):
    event = PersonEvent(
        key="supportops.RequestEvent:999", kind=Kind.CLAIMED, summary="Claimed", link="/requests/1/"
    )
    person_event_notify(event=event, recipients=[(csm, Reason.REQUESTER)])
    person_event_notify(event=event, recipients=[(csm, Reason.REQUESTER), (csm, Reason.CSM)])
    assert Notification.objects.filter(event_key=event.key).count() == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        ops_request_claim(user=ops, ops_request=request_of)
        raise RuntimeError("the change failed after the event was written")
    assert not Notification.objects.exclude(event_key=event.key).exists()


def test_people_without_a_role_or_inactive_are_not_put_in_the_bell(csm, no_role_user):
    csm.is_active = False
    csm.save()
    event = PersonEvent(key="x:1", kind=Kind.COMMENTED, summary="Hello", link="/")
    person_event_notify(event=event, recipients=[(csm, Reason.CSM), (no_role_user, Reason.CSM)])
    assert not Notification.objects.exists()


def test_events_do_not_change_new_ticket_notifications_which_stay_exactly_once(
    csm, ops, request_of, new_ticket, mailoutbox, django_capture_on_commit_callbacks
):
    ops_request_claim(user=ops, ops_request=request_of)
    ticket = new_ticket()
    mailoutbox.clear()  # the request's own emails
    with django_capture_on_commit_callbacks(execute=True):
        announce(ticket)
        announce(ticket)
    assert Notification.objects.filter(recipient=csm, kind=Kind.NEW_TICKET, ticket=ticket).count() == 1
    assert Notification.objects.filter(recipient=csm).count() == 2
    assert [m.extra_headers.get("X-CSM-Portal-Ticket") for m in mailoutbox] == [str(ticket.zd_id)]


def test_the_bell_counts_events_and_names_the_newest_in_one_query(
    csm_client, csm, ops, request_of, django_assert_num_queries
):
    ops_request_claim(user=ops, ops_request=request_of)
    with django_assert_num_queries(4):  # session, user, roles, the newest unread with the count
        html = csm_client.get("/notifications/bell/").content.decode()
    assert 'data-count="1"' in html and "Support Ops claimed your request" in html


def test_the_list_shows_events_and_opening_one_goes_to_its_page_and_marks_it_read(
    csm_client, csm, ops, request_of
):
    ops_request_claim(user=ops, ops_request=request_of)
    html = csm_client.get("/notifications/").content.decode()
    assert "Support Ops claimed your request" in html and "Claimed" in html
    assert "claimed your request" in csm_client.get("/notifications/?q=claimed").content.decode()
    n = Notification.objects.get(recipient=csm)
    response = csm_client.get(f"/notifications/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/requests/{request_of.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None
