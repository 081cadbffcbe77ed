"""The support-ops queue: list, filters, CSV, claim / release / done / decline / cancel / comment."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from accounts.models import AccountEvent
from supportops import services
from supportops.models import EventVerb, OpsRequest, RequestStatus
from tests.factories import AccountFactory, OpsRequestFactory, OrganizationFactory, UserFactory
from tests.factories.supportops import NotesRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(csm, org):
    return OpsRequestFactory(organization=org, requested_by=csm)


def post(client, item, action, **data):
    return client.post(f"/requests/{item.pk}/{action}/", data)


def test_it_lists_the_whole_queue_for_support_ops_in_constant_queries(ops_client, django_assert_num_queries):
    def build(n):
        for _ in range(n):
            OpsRequestFactory(claimed_by=UserFactory(roles=["Support ops"]), status=RequestStatus.CLAIMED)

    build(2)
    ops_client.get("/requests/")  # warm up the session and the user's roles
    # session, user, roles, count for pagination, page of rows, status counts
    with django_assert_num_queries(6):
        response = ops_client.get("/requests/")
    assert len(response.context["page"].object_list) == 2
    build(20)
    with django_assert_num_queries(6):
        response = ops_client.get("/requests/")
    assert len(response.context["page"].object_list) == 22


def test_it_shows_a_csm_their_requests_and_their_accounts_only(csm, csm_client, org, other_csm):
    mine = OpsRequestFactory(organization=org, requested_by=csm)
    filed_by_admin_on_my_account = OpsRequestFactory(
        organization=OrganizationFactory(account=AccountFactory(csm=csm))
    )
    someone_elses = OpsRequestFactory(requested_by=other_csm)
    response = csm_client.get("/requests/")
    shown = {item.pk for item in response.context["page"].object_list}
    assert shown == {mine.pk, filed_by_admin_on_my_account.pk}
    assert someone_elses.pk not in shown
    assert b">Claim</button>" not in response.content


def test_it_filters_by_status_search_and_account(ops_client):
    acme = OpsRequestFactory(organization__account__name="Acme Rockets", organization__name="Acme Rockets")
    done = OpsRequestFactory(status=RequestStatus.DONE)
    closed = OpsRequestFactory(status=RequestStatus.VERIFIED)

    def shown(query):
        response = ops_client.get(f"/requests/{query}")
        return {i.pk for i in response.context["page"].object_list}

    assert shown("") == {acme.pk, done.pk}  # the queue opens on active requests
    assert shown("?state=all") == {acme.pk, done.pk, closed.pk}
    assert shown("?state=closed") == {closed.pk}
    assert shown("?state=done") == {done.pk}
    assert shown("?q=rockets") == {acme.pk}
    assert shown(f"?q=%23{done.pk}") == {done.pk}
    assert shown(f"?q={acme.requested_am_project_id}") == {acme.pk}
    assert shown(f"?account={acme.account_id}&state=all") == {acme.pk}


def test_it_renders_only_the_table_for_htmx(ops_client):
    OpsRequestFactory()
    response = ops_client.get("/requests/?q=x", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="list-table">') and "<html" not in html


def test_it_exports_the_filtered_queue_as_csv(ops_client):
    item = OpsRequestFactory(organization__account__name="=HYPERLINK(evil)")
    OpsRequestFactory(status=RequestStatus.CANCELLED)
    response = ops_client.get("/requests/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Request,Kind,Status,Account")
    assert len(lines) == 2  # the cancelled one is filtered out like on the page
    assert lines[1].startswith(f"{item.pk},Collaboration project ID correction,Open,'=HYPERLINK(evil)")


def test_it_lets_support_ops_claim_then_mark_done(
    ops, ops_client, item, csm, django_capture_on_commit_callbacks
):
    response = post(ops_client, item, "claim")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.CLAIMED and item.claimed_by == ops and item.claimed_at
    with django_capture_on_commit_callbacks(execute=True):
        post(ops_client, item, "done", text="Changed it in Zendesk.")
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE and item.done_at
    assert [(e.verb, e.actor) for e in item.events.all()] == [(EventVerb.CLAIMED, ops), (EventVerb.DONE, ops)]
    assert item.events.last().text == "Changed it in Zendesk."
    verbs = list(AccountEvent.objects.filter(account=item.account).values_list("verb", flat=True))
    assert sorted(verbs) == ["request.claimed", "request.done"]
    assert [m.to for m in mail.outbox] == [[csm.email]]  # the CSM hears it is done
    assert "awaiting verification" in mail.outbox[0].subject


def test_it_marks_an_unclaimed_request_done_and_claims_it_on_the_way(ops, ops_client, item):
    post(ops_client, item, "done")
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE and item.claimed_by == ops


def test_it_lets_only_one_of_two_ops_claim_a_request(item, ops):
    second = UserFactory(roles=["Support ops"])
    seen_by_first = OpsRequest.objects.get(pk=item.pk)
    seen_by_second = OpsRequest.objects.get(pk=item.pk)
    services.ops_request_claim(user=ops, ops_request=seen_by_first)
    with pytest.raises(services.RequestConflict, match="Claimed"):
        services.ops_request_claim(user=second, ops_request=seen_by_second)
    item.refresh_from_db()
    assert item.claimed_by == ops and item.events.filter(verb=EventVerb.CLAIMED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_one_claim_win_when_two_ops_click_at_the_same_moment():
    item = OpsRequestFactory()
    people = [UserFactory(roles=["Support ops"]) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def click(user):
        try:
            seen = OpsRequest.objects.get(pk=item.pk)
            barrier.wait()
            services.ops_request_claim(user=user, ops_request=seen)
            results.append("won")
        except services.RequestConflict:
            results.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["lost", "won"]
    assert OpsRequest.objects.get(pk=item.pk).events.filter(verb=EventVerb.CLAIMED).count() == 1


def test_it_tells_the_second_ops_that_someone_else_claimed_it(ops_client, item):
    other = UserFactory(roles=["Support ops"], name="Other Ops")
    services.ops_request_claim(user=other, ops_request=OpsRequest.objects.get(pk=item.pk))
    response = ops_client.post(
        f"/requests/{item.pk}/claim/", {"from": "list", "query": "state=open"}, follow=True
    )
    assert response.redirect_chain == [("/requests/?state=open", 302)]
    assert f"Request #{item.pk} is now “Claimed”, claimed by Other Ops; nothing was changed." in [
        str(m) for m in response.context["messages"]
    ]
    post(ops_client, item, "done")  # not theirs to finish either
    item.refresh_from_db()
    assert item.status == RequestStatus.CLAIMED and item.claimed_by == other


def test_it_releases_a_claim_back_to_the_queue(ops, ops_client, item):
    post(ops_client, item, "claim")
    post(ops_client, item, "release")
    item.refresh_from_db()
    assert item.status == RequestStatus.OPEN and item.claimed_by is None


def test_it_requires_a_reason_to_decline_and_tells_the_csm(
    ops_client, item, csm, django_capture_on_commit_callbacks
):
    response = post(ops_client, item, "decline", text="  ")
    assert response.status_code == 200 and b"Say why" in response.content
    item.refresh_from_db()
    assert item.status == RequestStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        post(ops_client, item, "decline", text="That project belongs to another customer.")
    item.refresh_from_db()
    assert item.status == RequestStatus.DECLINED and item.closed_at
    assert mail.outbox[-1].to == [csm.email]
    assert "That project belongs to another customer." in mail.outbox[-1].body


def test_it_lets_the_csm_cancel_their_request_and_tells_whoever_claimed_it(
    csm_client, item, ops, django_capture_on_commit_callbacks
):
    services.ops_request_claim(user=ops, ops_request=item)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(csm_client, item, "cancel", text="Found the right project myself.")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.CANCELLED
    assert mail.outbox[-1].to == [ops.email]
    response = csm_client.post(f"/requests/{item.pk}/cancel/", follow=True)  # again: already closed
    assert "is now “Cancelled”" in [str(m) for m in response.context["messages"]][-1]


def test_it_keeps_the_conversation_in_the_history_and_emails_the_other_side(
    csm, csm_client, ops, item, settings_ops, django_capture_on_commit_callbacks
):
    ops_client = Client()
    ops_client.force_login(ops)
    with django_capture_on_commit_callbacks(execute=True):
        ops_client.post(f"/requests/{item.pk}/comment/", {"text": "Is it the <b>staging</b> project?"})
    assert mail.outbox[-1].to == [csm.email]
    with django_capture_on_commit_callbacks(execute=True):
        csm_client.post(f"/requests/{item.pk}/comment/", {"text": "No, production."})
    assert mail.outbox[-1].to == ["support-ops@example.com"]  # nobody claimed it yet
    comments = list(item.events.filter(verb=EventVerb.COMMENTED).values_list("text", flat=True))
    assert comments == ["Is it the <b>staging</b> project?", "No, production."]
    page = csm_client.get(f"/requests/{item.pk}/").content.decode()
    assert "Is it the &lt;b&gt;staging&lt;/b&gt; project?" in page
    assert AccountEvent.objects.filter(account=item.account, verb="request.commented").count() == 2


def test_it_keeps_an_empty_comment_out(csm_client, item):
    response = csm_client.post(f"/requests/{item.pk}/comment/", {"text": "   "})
    assert response.status_code == 200
    assert not item.events.filter(verb=EventVerb.COMMENTED).exists()


def test_it_lets_the_csm_confirm_a_notes_request_that_ops_reworded(csm, csm_client, org):
    notes = NotesRequestFactory(organization=org, requested_by=csm, status=RequestStatus.DONE)
    assert post(csm_client, notes, "confirm").status_code == 302
    notes.refresh_from_db()
    assert notes.status == RequestStatus.VERIFIED
    correction = OpsRequestFactory(requested_by=csm, status=RequestStatus.DONE)
    assert post(csm_client, correction, "confirm").status_code == 403  # the sync decides those


def test_it_shows_the_request_text_and_its_history(ops_client, item):
    response = ops_client.get(f"/requests/{item.pk}/")
    html = response.content.decode()
    assert 'id="request-text"' in html
    assert "**The AM ID should therefore be**: " + item.requested_am_project_id in html
    assert "Claim" in html and "Mark done" in html


def test_the_counts_are_the_scopes_requests_in_each_active_status(csm):
    """`queue_counts`: every active status (none of them missing, zero when empty), the
    scope's requests only."""
    from supportops.models import ACTIVE_STATUSES
    from supportops.selectors import queue_counts

    assert queue_counts(OpsRequest.objects.none()) == {str(s): 0 for s in ACTIVE_STATUSES}
    for status, n in ((RequestStatus.OPEN, 3), (RequestStatus.FLAGGED, 1), (RequestStatus.VERIFIED, 2)):
        for _ in range(n):
            OpsRequestFactory(status=status)
    OpsRequestFactory(status=RequestStatus.CLAIMED, requested_by=csm)
    counts = queue_counts(OpsRequest.objects.all())
    assert counts == {str(s): OpsRequest.objects.filter(status=s).count() for s in ACTIVE_STATUSES} and (
        counts["open"],
        counts["flagged"],
        counts["claimed"],
        counts["done"],
    ) == (3, 1, 1, 0)
    assert queue_counts(OpsRequest.objects.filter(requested_by=csm))["claimed"] == 1
    assert queue_counts(OpsRequest.objects.filter(requested_by=csm))["open"] == 0
