"""One item's page: what each side sees, the managers' actions through the forms, errors."""

import pytest

from feedback.models import EventKind, Feedback
from tests.factories import UserFactory
from tests.factories.feedback import FeedbackFactory, RatingFactory

pytestmark = pytest.mark.django_db

TRIAGE = {
    "triage-summary": "Slow first reply",
    "triage-action": "Review with the engineer",
    "triage-contact_customer": "yes",
    "triage-make_csm_aware": "no",
}


@pytest.fixture
def item(csm, account, ticket, on_duty):
    return FeedbackFactory(forwarded_by=csm, account=account, ticket=ticket, reviewing_manager=on_duty)


def test_it_shows_a_manager_the_triage_form_and_a_csm_none(client, item, manager, csm):
    client.force_login(manager)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert f'action="/feedback/{item.pk}/triage/"' in page and "Contact customer" in page
    client.force_login(csm)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert "/triage/" not in page and "/close/" not in page and "/reassign/" not in page
    assert f'action="/feedback/{item.pk}/comment/"' in page


def test_it_renders_the_item_in_constant_queries(client, item, manager, django_assert_num_queries):
    for n in range(6):
        item.events.create(kind=EventKind.COMMENTED, actor=manager, body=f"Comment {n}")
        RatingFactory(ticket=item.ticket, score="bad", comment=f"Rating {n}")
    client.force_login(manager)
    # session, user, roles, item, timeline, ticket's ratings, managers for the reassign form
    with django_assert_num_queries(7):
        client.get(f"/feedback/{item.pk}/")


def test_it_works_an_item_from_new_to_closed_through_the_forms(client, item, manager, csm):
    client.force_login(manager)
    assert client.post(f"/feedback/{item.pk}/triage/", TRIAGE).status_code == 302
    assert (
        client.post(f"/feedback/{item.pk}/action/", {"action-outcome": "Engineer coached."}).status_code
        == 302
    )
    response = client.post(f"/feedback/{item.pk}/close/", {"close-outcome": ""}, follow=True)
    assert "Closed." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "closed" and item.outcome == "Engineer coached."
    assert (
        item.summary == "Slow first reply" and item.contact_customer is True and item.make_csm_aware is False
    )
    client.force_login(csm)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert "Outcome" in page and "Engineer coached." in page and "Review with the engineer" in page


def test_it_keeps_what_was_typed_when_the_triage_is_incomplete(client, item, manager):
    client.force_login(manager)
    response = client.post(
        f"/feedback/{item.pk}/triage/", {**TRIAGE, "triage-action": "", "triage-summary": "Kept <i>text</i>"}
    )
    assert response.status_code == 200
    assert response.context["triage_form"].errors == {"action": ["This field is required."]}
    assert "Kept &lt;i&gt;text&lt;/i&gt;" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "new"


def test_it_explains_an_illegal_transition_instead_of_failing(client, item, manager):
    client.force_login(manager)
    response = client.post(f"/feedback/{item.pk}/action/", {"action-outcome": "Done"}, follow=True)
    assert "This item is new now, so it cannot be actioned." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "new"


def test_it_reassigns_and_lets_a_manager_take_an_item(client, item, manager):
    second = UserFactory(roles=["Support manager"])
    client.force_login(manager)
    client.post(f"/feedback/{item.pk}/reassign/", {"reassign-manager": second.pk, "reassign-note": "Yours"})
    item.refresh_from_db()
    assert item.reviewing_manager == second
    client.post(f"/feedback/{item.pk}/reassign/", {"take": "1"})
    item.refresh_from_db()
    assert item.reviewing_manager == manager
    assert list(item.events.filter(kind=EventKind.REASSIGNED).values_list("body", flat=True)) == ["Yours", ""]


def test_it_refuses_to_reassign_to_someone_who_is_not_a_manager(client, item, manager, csm):
    client.force_login(manager)
    response = client.post(f"/feedback/{item.pk}/reassign/", {"reassign-manager": csm.pk})
    assert response.status_code == 200 and "manager" in response.context["reassign_form"].errors
    item.refresh_from_db()
    assert item.reviewing_manager == manager


def test_it_lets_the_csm_comment_and_shows_the_timeline(client, item, csm, manager):
    client.force_login(csm)
    client.post(f"/feedback/{item.pk}/comment/", {"comment-body": "The customer <b>called</b> again."})
    client.force_login(manager)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert "The customer &lt;b&gt;called&lt;/b&gt; again." in page
    empty = client.post(f"/feedback/{item.pk}/comment/", {"comment-body": "  "})
    assert empty.status_code == 200 and "body" in empty.context["comment_form"].errors


def test_it_counts_a_managers_comment_as_the_first_response(client, item, manager):
    client.force_login(manager)
    client.post(f"/feedback/{item.pk}/comment/", {"comment-body": "Looking into it today."})
    item.refresh_from_db()
    assert item.first_responded_at is not None and item.status == "new"


def test_it_shows_the_due_date_and_how_it_was_worked_out(client, item, manager):
    Feedback.objects.filter(pk=item.pk).update(
        due_rule="48 hours Mon-Fri (Europe/London); Europe Middle East Africa"
    )
    client.force_login(manager)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert (
        "First response due" in page and "48 hours Mon-Fri (Europe/London); Europe Middle East Africa" in page
    )


def test_it_escapes_the_customers_words_and_context(client, csm, account, ticket):
    item = FeedbackFactory(
        forwarded_by=csm, account=account, ticket=ticket,
        customer_words="<script>steal()</script>", csm_context="<a href=javascript:x>x</a>",
    )  # fmt: skip
    client.force_login(csm)
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert "<script>steal()" not in page and "<a href=javascript" not in page


def test_it_offers_take_it_only_to_people_who_can_hold_an_item(client, item, admin_user, manager):
    Feedback.objects.filter(pk=item.pk).update(reviewing_manager=None)
    client.force_login(manager)
    assert "Take it myself" in client.get(f"/feedback/{item.pk}/").content.decode()
    client.force_login(admin_user)  # an admin works the queue but is not on the managers' list
    page = client.get(f"/feedback/{item.pk}/").content.decode()
    assert "Reassign" in page and "Take it myself" not in page
