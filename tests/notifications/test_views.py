"""The portal side: list, bell, mark read, preferences, follow/mute, findings, outbox; who may do what."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AccountEvent
from notifications.models import (
    AccountWatch,
    Delivery,
    EmailStatus,
    Finding,
    FindingReason,
    Notification,
    NotificationPreference,
    OutboxMessage,
    Reason,
    WatchKind,
)
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory, TicketFactory

pytestmark = pytest.mark.django_db

ROLES = ["csm", "other_csm", "manager", "ops", "admin", "no_role"]
STAFF = {"csm", "other_csm", "manager", "ops", "admin"}


def notify(user, *, count=1, read=False, account=None):
    account = account or AccountFactory(csm=user)
    org = OrganizationFactory(account=account)
    rows = []
    for _ in range(count):
        ticket = TicketFactory(requester=SupportUserFactory(organization=org))
        rows.append(
            Notification.objects.create(
                ticket=ticket,
                recipient=user,
                reason=Reason.CSM,
                delivery=Delivery.IMMEDIATE,
                email_status=EmailStatus.SENT,
                read_at=timezone.now() if read else None,
            )
        )
    return rows


# -- who may see and do what ------------------------------------------------------------------

PAGES = {
    "list": ("/notifications/", STAFF),
    "bell": ("/notifications/bell/", STAFF),
    "preferences": ("/notifications/preferences/", STAFF),
    "go": ("/go/", STAFF),
    "findings": ("/notifications/findings/", {"csm", "other_csm", "admin"}),
    "outbox": ("/notifications/outbox/", {"admin"}),
}


@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
@pytest.mark.parametrize("page", list(PAGES))
def test_it_allows_or_forbids_each_page_by_role(persona, page):
    user, client = persona
    path, allowed = PAGES[page]
    response = client.get(path)
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    else:
        assert response.status_code == (200 if user.name in allowed else 403), f"{user.name} on {page}"


@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
def test_it_allows_or_forbids_each_post_by_role(persona):
    user, client = persona
    account = AccountFactory()
    posts = {
        "read-all": ("/notifications/read-all/", {}),
        "preferences": ("/notifications/preferences/", {"delivery": "digest"}),
        "follow": (f"/notifications/accounts/{account.pk}/watch/", {"action": "follow"}),
    }
    for name, (path, data) in posts.items():
        response = client.post(path, data)
        if user is None:
            assert response.status_code == 302 and response["Location"].startswith("/auth/login/"), name
        elif user.name in STAFF:
            assert response.status_code == 302, f"{user.name} {name}"
        else:
            assert response.status_code == 403, f"{user.name} {name}"


def test_it_shows_another_persons_notification_to_nobody(csm_client, other_csm):
    theirs = notify(other_csm)[0]
    assert csm_client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert csm_client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_outbox_message_is_for_admins_only(client, admin_user, csm):
    message = OutboxMessage.objects.create(to="x@example.com", subject="Hi", body="Hello")
    client.force_login(csm)
    assert client.get(f"/notifications/outbox/{message.pk}/").status_code == 403
    client.force_login(admin_user)
    assert client.get(f"/notifications/outbox/{message.pk}/").status_code == 200
    assert client.get("/notifications/outbox/999999/").status_code == 404


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_my_notifications_newest_first_with_their_state(csm_client, csm, other_csm):
    old, new = notify(csm, count=2)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(hours=1))
    notify(other_csm)
    html = csm_client.get("/notifications/").content.decode()
    assert html.index(new.ticket.subject) < html.index(old.ticket.subject)
    assert Notification.objects.count() == 3 and html.count('<tr id="notification-') == 2
    assert "Mark all read (2)" in html
    assert new.ticket.agent_url in html


def test_the_list_filters_unread_and_searches(csm_client, csm):
    unread = notify(csm)[0]
    read = notify(csm, read=True)[0]
    html = csm_client.get("/notifications/", {"state": "unread"}).content.decode()
    assert unread.ticket.subject in html and read.ticket.subject not in html
    html = csm_client.get("/notifications/", {"q": str(read.ticket.zd_id)}).content.decode()
    assert read.ticket.subject in html and unread.ticket.subject not in html


def test_the_list_answers_htmx_with_only_the_table(csm_client, csm):
    notify(csm)
    response = csm_client.get("/notifications/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="list-table">') and "<html" not in html


def test_an_empty_list_says_what_will_appear_here(csm_client):
    assert b"No notifications yet" in csm_client.get("/notifications/").content


@pytest.mark.parametrize("rows", [1, 40])
def test_the_list_takes_the_same_number_of_queries_for_1_or_40_rows(
    csm_client, csm, rows, django_assert_num_queries
):
    notify(csm, count=rows)
    # session, user, roles, count, page, unread count, preference
    with django_assert_num_queries(7):
        assert csm_client.get("/notifications/").status_code == 200


@pytest.mark.parametrize("rows", [1, 40])
def test_the_findings_take_the_same_number_of_queries_for_1_or_40_rows(
    csm_client, rows, django_assert_num_queries
):
    org = OrganizationFactory(account=None)
    for _ in range(rows):
        ticket = TicketFactory(requester=SupportUserFactory(organization=org))
        Finding.objects.create(ticket=ticket, reason=FindingReason.UNLINKED_ORGANIZATION)
    with django_assert_num_queries(5):  # session, user, roles, count, page
        assert csm_client.get("/notifications/findings/").status_code == 200


@pytest.mark.parametrize("rows", [1, 40])
def test_the_outbox_takes_the_same_number_of_queries_for_1_or_40_rows(
    client, admin_user, rows, django_assert_num_queries
):
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(to="a@example.com", subject=f"s{i}") for i in range(rows)]
    )
    client.force_login(admin_user)
    with django_assert_num_queries(6):  # session, user, roles, two-factor, count, page
        assert client.get("/notifications/outbox/").status_code == 200


def test_the_findings_list_shows_why_nobody_was_notified(csm_client):
    ticket = TicketFactory(
        requester=SupportUserFactory(organization=OrganizationFactory(account=None)), subject="Lost ticket"
    )
    Finding.objects.create(ticket=ticket, reason=FindingReason.UNLINKED_ORGANIZATION)
    html = csm_client.get("/notifications/findings/").content.decode()
    assert "Lost ticket" in html and "Organization not linked to an account" in html
    Finding.objects.update(resolved_at=timezone.now())
    assert "Lost ticket" not in csm_client.get("/notifications/findings/").content.decode()
    assert "Lost ticket" in csm_client.get("/notifications/findings/", {"state": "resolved"}).content.decode()


# -- bell and read state ----------------------------------------------------------------------


def test_the_bell_counts_my_unread_notifications(csm_client, csm, django_assert_num_queries):
    html = csm_client.get("/notifications/bell/").content.decode()
    assert "bell-count" not in html and "0 unread" in html
    notify(csm, count=3)
    notify(csm, read=True)
    with django_assert_num_queries(4):  # session, user, roles, count
        html = csm_client.get("/notifications/bell/").content.decode()
    assert 'data-count="3"' in html and "3 unread" in html
    assert "load" not in html.split("hx-trigger=")[1].split('"')[1]  # no reload loop after a swap


def test_every_page_has_the_bell_that_loads_itself(csm_client):
    html = csm_client.get("/notifications/preferences/").content.decode()
    assert 'id="notification-bell"' in html and 'hx-get="/notifications/bell/"' in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_ticket(csm_client, csm):
    n = notify(csm)[0]
    response = csm_client.get(f"/notifications/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{n.ticket.zd_id}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_and_unread_with_htmx_return_the_row_and_tell_the_bell(csm_client, csm):
    n = notify(csm)[0]
    response = csm_client.post(f"/notifications/{n.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "notifications-changed"
    assert response.content.decode().lstrip().startswith(f'<tr id="notification-{n.pk}" class="">')
    n.refresh_from_db()
    assert n.read_at is not None
    response = csm_client.post(f"/notifications/{n.pk}/read/", {"unread": "1"}, HTTP_HX_REQUEST="true")
    assert 'class="unread"' in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_read_without_javascript_goes_back_to_the_list_but_never_off_site(csm_client, csm):
    n = notify(csm)[0]
    response = csm_client.post(f"/notifications/{n.pk}/read/", {"next": "/notifications/?state=unread"})
    assert response["Location"] == "/notifications/?state=unread"
    response = csm_client.post(f"/notifications/{n.pk}/read/", {"next": "https://evil.test/"})
    assert response["Location"] == "/notifications/"


def test_mark_all_read_marks_only_mine(csm_client, csm, other_csm):
    notify(csm, count=3)
    theirs = notify(other_csm)[0]
    response = csm_client.post("/notifications/read-all/", follow=True)
    assert b"Marked 3 notifications read." in response.content
    assert not Notification.objects.filter(recipient=csm, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


# -- preferences ------------------------------------------------------------------------------


def test_the_preference_is_saved_and_used_for_the_next_ticket(
    csm_client, csm, new_ticket, django_capture_on_commit_callbacks
):
    from tests.notifications.conftest import announce

    html = csm_client.get("/notifications/preferences/").content.decode()
    assert re.search(
        r'<input type="radio" name="delivery" value="immediate"[^>]*checked', html
    )  # the default
    response = csm_client.post("/notifications/preferences/", {"delivery": "in_app"}, follow=True)
    assert b"Your notification preference is saved." in response.content
    assert NotificationPreference.objects.get(user=csm).delivery == Delivery.IN_APP
    with django_capture_on_commit_callbacks(execute=True):
        announce(new_ticket())
    assert Notification.objects.get().email_status == EmailStatus.NOT_EMAILED and not mail.outbox


def test_a_bad_preference_gets_a_field_error_and_changes_nothing(csm_client, csm):
    response = csm_client.post("/notifications/preferences/", {"delivery": "carrier-pigeon"})
    assert response.status_code == 400
    assert b"errorlist" in response.content
    assert not NotificationPreference.objects.exists()


def test_the_preferences_list_followed_and_muted_accounts(csm_client, csm):
    followed = AccountFactory(name="Followed Co")
    mine = AccountFactory(name="Mine Co", csm=csm)
    AccountWatch.objects.create(user=csm, account=followed, kind=WatchKind.FOLLOW)
    AccountWatch.objects.create(user=csm, account=mine, kind=WatchKind.MUTE)
    html = csm_client.get("/notifications/preferences/").content.decode()
    assert "Followed Co" in html and "Unfollow" in html and "Mine Co" in html and "Unmute" in html


# -- follow and mute --------------------------------------------------------------------------


def test_following_an_account_from_its_page(csm_client, csm):
    account = AccountFactory(name="Other Co")
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert "New-ticket notifications" in page and 'value="follow"' in page
    response = csm_client.post(
        f"/notifications/accounts/{account.pk}/watch/", {"action": "follow"}, follow=True
    )
    assert b"You now follow Other Co" in response.content
    assert AccountWatch.objects.get(user=csm, account=account).kind == WatchKind.FOLLOW
    event = AccountEvent.objects.get(account=account)
    assert (event.verb, event.actor) == ("notifications.follow", csm)
    assert 'value="unfollow"' in csm_client.get(f"/accounts/{account.pk}/").content.decode()


def test_following_twice_changes_and_records_nothing_more(csm_client, csm):
    account = AccountFactory()
    for _ in range(2):
        csm_client.post(f"/notifications/accounts/{account.pk}/watch/", {"action": "follow"})
    assert AccountWatch.objects.count() == 1 and AccountEvent.objects.count() == 1


def test_the_csm_cannot_follow_their_own_account_but_can_mute_and_unmute_it(csm_client, csm, account):
    response = csm_client.post(
        f"/notifications/accounts/{account.pk}/watch/", {"action": "follow"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and b"notify you already" in response.content
    assert not AccountWatch.objects.exists()
    page = csm_client.get(f"/accounts/{account.pk}/").content.decode()
    assert "You are this account's CSM" in page and 'value="mute"' in page
    response = csm_client.post(
        f"/notifications/accounts/{account.pk}/watch/", {"action": "mute"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"Mute Acme Rockets?" in response.content  # asks first
    assert not AccountWatch.objects.exists()
    response = csm_client.post(
        f"/notifications/accounts/{account.pk}/watch/",
        {"action": "mute", "confirm": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and b'value="unmute"' in response.content
    assert AccountWatch.objects.get().kind == WatchKind.MUTE
    csm_client.post(f"/notifications/accounts/{account.pk}/watch/", {"action": "unmute"})
    assert not AccountWatch.objects.exists()
    assert list(AccountEvent.objects.order_by("id").values_list("verb", flat=True)) == [
        "notifications.mute",
        "notifications.unmute",
    ]


def test_an_unknown_watch_action_is_refused_clearly(csm_client, account):
    response = csm_client.post(
        f"/notifications/accounts/{account.pk}/watch/", {"action": "spam"}, follow=True
    )
    assert b"Choose follow, unfollow, mute or unmute." in response.content
    assert csm_client.post("/notifications/accounts/999999/watch/", {"action": "follow"}).status_code == 404


def test_the_account_panel_lists_followers_in_one_query(csm_client, csm, other_csm, manager):
    account = AccountFactory()
    for person in (other_csm, manager):
        AccountWatch.objects.create(user=person, account=account, kind=WatchKind.FOLLOW)
    from accounts.models import Account
    from notifications.selectors import account_watch_summary

    account = Account.objects.get(pk=account.pk)
    summary = account_watch_summary(csm, account)
    assert {str(p) for p in summary["followers"]} == {str(other_csm), str(manager)}
    assert "Other CSM" in csm_client.get(f"/accounts/{account.pk}/").content.decode()
