"""Feedback and ratings of a restricted Zendesk instance (usgov) exist only for people cleared for
it: the same person sees none of it, then all of it once an admin clears them."""

import pytest
from django.core import mail

from feedback.emails import send_event_email
from feedback.models import EventKind, Feedback, FeedbackEvent
from feedback.services import (
    FeedbackError,
    assign_waiting_items,
    feedback_forward,
    feedback_link_tickets,
    feedback_reassign,
)
from tests.factories import FeedbackFactory, TicketFactory, UserFactory
from tests.factories.feedback import RotationWeekFactory
from tests.instances import two_instances
from tests.instances.restricted import USGOV, clear, restrict
from tests.instances.two_instances import GLOBAL_TEXT, TICKET_NUMBER, USGOV_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, csm):
    restrict(settings)
    return two_instances.build(csm)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_csm_sees_the_restricted_feedback_and_ratings_only_once_cleared(client, csm, world):
    client.force_login(csm)
    hidden_item, hidden_rating = world.usgov.feedback, world.usgov.rating
    assert client.get(f"/feedback/{hidden_item.pk}/").status_code == 404  # not 403: it does not exist
    cadence = _page(client, f"/feedback/accounts/{world.account.pk}/cadence/")
    assert GLOBAL_TEXT in cadence and USGOV_TEXT not in cadence
    assert client.post(f"/feedback/{hidden_item.pk}/comment/", {"comment-body": "x"}).status_code == 404
    assert client.post(f"/feedback/ratings/{hidden_rating.pk}/forward/").status_code == 404
    queue = _page(client, "/feedback/")
    assert f"/feedback/{world.glob.feedback.pk}/" in queue and f"/feedback/{hidden_item.pk}/" not in queue
    csv = b"".join(client.get("/feedback/export.csv").streaming_content).decode()
    assert f"{GLOBAL_TEXT} feedback words" in csv and USGOV_TEXT not in csv
    ratings = _page(client, "/feedback/ratings/?csm=any")
    assert f"{GLOBAL_TEXT} rating words" in ratings and USGOV_TEXT not in ratings
    csv = b"".join(client.get("/feedback/ratings/export.csv?csm=any").streaming_content).decode()
    assert len(csv.strip().splitlines()) == 2  # the header and the global rating
    assert f"{GLOBAL_TEXT} rating words" in csv and USGOV_TEXT not in csv

    clear(csm)
    assert USGOV_TEXT in _page(client, f"/feedback/{hidden_item.pk}/")
    assert f"/feedback/{hidden_item.pk}/" in _page(client, "/feedback/")
    csv = b"".join(client.get("/feedback/export.csv").streaming_content).decode()
    assert f"{USGOV_TEXT} feedback words" in csv and f"{GLOBAL_TEXT} feedback words" in csv
    ratings = _page(client, "/feedback/ratings/?csm=any")
    assert f"{USGOV_TEXT} rating words" in ratings and f"{GLOBAL_TEXT} rating words" in ratings
    cadence = _page(client, f"/feedback/accounts/{world.account.pk}/cadence/")
    assert USGOV_TEXT in cadence and GLOBAL_TEXT in cadence


def test_the_managers_queue_counts_and_item_pages_follow_the_clearance(client, manager, world):
    about_no_ticket = FeedbackFactory(ticket=None, zd_ticket_id=None, account=world.account)
    client.force_login(manager)
    hidden = world.usgov.feedback
    page = _page(client, "/feedback/")
    assert f"/feedback/{hidden.pk}/" not in page and f"/feedback/{world.glob.feedback.pk}/" in page
    assert f"/feedback/{about_no_ticket.pk}/" in page  # about no instance: everyone's
    counts = client.get("/feedback/").context["counts"]
    assert counts["new"] == 2 and counts["open"] == 2
    assert client.get(f"/feedback/{hidden.pk}/").status_code == 404
    assert client.post(f"/feedback/{hidden.pk}/triage/", {}).status_code == 404
    assert Feedback.objects.get(pk=hidden.pk).status == "new"

    clear(manager)
    counts = client.get("/feedback/").context["counts"]
    assert counts["new"] == 3 and counts["open"] == 3
    assert client.get(f"/feedback/{hidden.pk}/").status_code == 200


def test_the_forward_forms_ticket_lookup_finds_only_tickets_the_csm_may_see(client, csm, world):
    client.force_login(csm)
    found = _page(client, f"/feedback/forward/ticket-lookup/?ticket=%23{TICKET_NUMBER}")
    assert f"{GLOBAL_TEXT} pipeline outage" in found and USGOV_TEXT not in found
    searched = _page(client, "/feedback/forward/ticket-lookup/?ticket=pipeline+outage")
    assert GLOBAL_TEXT in searched and USGOV_TEXT not in searched
    nothing = _page(client, f"/feedback/forward/ticket-lookup/?ticket={USGOV_TEXT}")
    assert "No ticket subject contains" in nothing and "pipeline outage" not in nothing
    clear(csm)
    searched = _page(client, f"/feedback/forward/ticket-lookup/?ticket={USGOV_TEXT}")
    assert f"{USGOV_TEXT} pipeline outage" in searched


def test_an_item_about_a_restricted_ticket_is_emailed_and_assigned_only_to_cleared_people(
    csm, manager, world, django_capture_on_commit_callbacks
):
    RotationWeekFactory(manager=manager)  # on duty, but not cleared for usgov
    cleared_manager = UserFactory(roles=["Support manager"], email="cleared.manager@example.com")
    clear(cleared_manager)
    with django_capture_on_commit_callbacks(execute=True):
        item = feedback_forward(
            forwarded_by=csm,
            account=world.account,
            ticket=world.usgov.ticket,
            sentiment="negative",
            channel="email",
            customer_words="More federal words",
        )
    assert item.reviewing_manager is None  # the manager on duty may not see it
    event = FeedbackEvent.objects.get(feedback=item, kind=EventKind.FORWARDED)
    FeedbackEvent.objects.filter(pk=event.pk).update(emailed_at=None)
    mail.outbox.clear()
    send_event_email(event_id=event.pk)  # "nobody on duty": to every support manager cleared for it
    assert [m.to for m in mail.outbox] == [[cleared_manager.email]]
    with pytest.raises(FeedbackError, match="not cleared"):
        feedback_reassign(feedback=item, manager=manager, by=cleared_manager)
    feedback_reassign(feedback=item, manager=cleared_manager, by=cleared_manager)


def test_a_manager_taking_the_week_gets_the_waiting_items_they_may_see_only(csm, manager, world):
    assign_waiting_items(manager)  # world's items are new and unassigned
    assigned = dict(Feedback.objects.values_list("pk", "reviewing_manager"))
    assert assigned == {world.glob.feedback.pk: manager.pk, world.usgov.feedback.pk: None}


def test_a_ticket_number_forwarded_before_the_sync_links_to_a_restricted_ticket_only_for_a_cleared_forwarder(
    csm, other_csm, world
):
    number = 5151
    mine = FeedbackFactory(
        ticket=None, zd_ticket_id=number, zd_instance=USGOV, account=world.account, forwarded_by=csm
    )
    clear(other_csm)
    theirs = FeedbackFactory(
        ticket=None, zd_ticket_id=number, zd_instance=USGOV, account=world.account, forwarded_by=other_csm
    )
    restricted = TicketFactory(zd_id=number, zd_instance=USGOV, requester=world.usgov.requester)
    assert feedback_link_tickets(ticket_ids=[restricted.pk]) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.ticket is None and theirs.ticket == restricted
