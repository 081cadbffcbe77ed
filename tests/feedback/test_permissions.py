"""Who may open each feedback page and make each change (anonymous users go to login).

Rules (feedback/selectors.py): managers and admins work the queue; a CSM sees what they
forwarded and the items on their accounts, and comments on them; only CSMs forward, always
as themselves; admins set the rotation, managers read it.
"""

import pytest

from feedback.models import Feedback, FeedbackStatus, RotationWeek
from feedback.rotation import current_week_start
from tests.factories import AccountFactory, TicketFactory, UserFactory
from tests.factories.feedback import FeedbackFactory, RatingFactory

ROLES = ["csm", "other_csm", "manager", "ops", "admin", "no_role"]
STAFF = {"csm", "other_csm", "manager", "ops", "admin"}
CSMS = {"csm", "other_csm", "admin"}
MANAGERS = {"manager", "admin"}
VIEWERS = {"csm", "manager", "admin"}  # of the item: its CSM, the managers, admins


def scenario(user):
    """An item on the `csm` persona's account, forwarded by them (or by a stranger)."""
    owner = user if user is not None and user.name == "csm" else UserFactory(roles=["CSM"])
    account = AccountFactory(csm=owner)
    ticket = TicketFactory(account=account)
    item = FeedbackFactory(ticket=ticket, account=account, forwarded_by=owner)
    rating = RatingFactory(ticket=ticket, account=account, score="bad", comment="Too slow.")
    return item, account, rating


PAGES = {
    "queue": (lambda s: "/feedback/", STAFF),
    "queue csv": (lambda s: "/feedback/export.csv", STAFF),
    "forward form": (lambda s: "/feedback/forward/", CSMS),
    "ticket lookup": (lambda s: "/feedback/forward/ticket-lookup/?ticket=123", CSMS),
    "item": (lambda s: f"/feedback/{s[0].pk}/", VIEWERS),
    "ratings": (lambda s: "/feedback/ratings/", STAFF),
    "ratings csv": (lambda s: "/feedback/ratings/export.csv", STAFF),
    "rotation": (lambda s: "/feedback/rotation/", MANAGERS),
    "cadence": (lambda s: f"/feedback/accounts/{s[1].pk}/cadence/", STAFF),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
@pytest.mark.parametrize("page", list(PAGES))
def test_it_allows_or_forbids_each_page_by_role(persona, page):
    user, client = persona
    path_for, allowed = PAGES[page]
    response = client.get(path_for(scenario(user)))
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name in allowed:
        assert response.status_code == 200, f"{user.name} should open {page}"
    else:
        assert response.status_code == 403, f"{user.name} should not open {page}"


TRIAGE_POST = {
    "triage-summary": "Slow",
    "triage-action": "Coach",
    "triage-contact_customer": "no",
    "triage-make_csm_aware": "yes",
}

# change: (status before, url suffix, data, status after when allowed, who may)
CHANGES = {
    "triage": ("new", "triage", TRIAGE_POST, "triaged", MANAGERS),
    "action": ("triaged", "action", {"action-outcome": "Coached."}, "actioned", MANAGERS),
    "close": ("triaged", "close", {"close-outcome": "No action needed."}, "closed", MANAGERS),
    "reopen": ("closed", "reopen", {"reopen-reason": "Customer wrote again."}, "triaged", MANAGERS),
    "comment": ("new", "comment", {"comment-body": "Any news?"}, "new", VIEWERS),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
@pytest.mark.parametrize("change", list(CHANGES))
def test_it_allows_or_forbids_each_change_by_role(persona, change):
    user, client = persona
    before, suffix, data, after, allowed = CHANGES[change]
    item, _account, _rating = scenario(user)
    Feedback.objects.filter(pk=item.pk).update(
        status=before, outcome="Earlier." if before == "closed" else ""
    )
    events = item.events.count()
    response = client.post(f"/feedback/{item.pk}/{suffix}/", data)
    item.refresh_from_db()
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name in allowed:
        assert response.status_code == 302 and response["Location"] == f"/feedback/{item.pk}/"
        assert item.status == after and item.events.count() == events + 1
        return
    else:
        assert response.status_code == 403
    assert item.status == before and item.events.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
def test_it_lets_only_managers_reassign(persona):
    user, client = persona
    item, _account, _rating = scenario(user)
    target = UserFactory(roles=["Support manager"])
    response = client.post(f"/feedback/{item.pk}/reassign/", {"reassign-manager": target.pk})
    item.refresh_from_db()
    if user is not None and user.name in MANAGERS:
        assert response.status_code == 302 and item.reviewing_manager == target
    else:
        assert response.status_code == (403 if user else 302)
        assert item.reviewing_manager is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
def test_it_lets_only_csms_forward_and_always_as_themselves(persona):
    user, client = persona
    _item, account, _rating = scenario(user)
    someone_else = UserFactory(roles=["CSM"])
    before = Feedback.objects.count()
    response = client.post(
        "/feedback/forward/",
        {
            "account": account.pk,
            "sentiment": "negative",
            "channel": "call",
            "customer_words": "Unhappy with the answer.",
            "forwarded_by": someone_else.pk,  # ignored: nobody forwards on someone's behalf
        },
    )
    if user is not None and user.name in CSMS:
        assert response.status_code == 302
        created = Feedback.objects.latest("pk")
        assert created.forwarded_by == user
    else:
        assert response.status_code == (403 if user else 302)
        assert Feedback.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
def test_it_lets_only_csms_forward_a_rating(persona):
    user, client = persona
    _item, _account, rating = scenario(user)
    response = client.post(f"/feedback/ratings/{rating.pk}/forward/")
    if user is not None and user.name in CSMS:
        assert response.status_code == 302 and Feedback.objects.filter(rating=rating).exists()
    else:
        assert response.status_code == (403 if user else 302)
        assert not Feedback.objects.filter(rating=rating).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
def test_it_lets_only_admins_set_the_rotation(persona):
    user, client = persona
    manager = UserFactory(roles=["Support manager"])
    response = client.post(
        "/feedback/rotation/", {"week_start": current_week_start().isoformat(), "manager": manager.pk}
    )
    if user is not None and user.name == "admin":
        assert response.status_code == 302 and RotationWeek.objects.get().manager == manager
    else:
        assert response.status_code == (403 if user else 302)
        assert not RotationWeek.objects.exists()


@pytest.mark.django_db
def test_it_shows_a_csm_their_own_and_their_accounts_items_only(client, csm, other_csm):
    mine = FeedbackFactory(forwarded_by=csm)
    on_my_account = FeedbackFactory(account=AccountFactory(csm=csm))  # a colleague forwarded it
    someone_elses = FeedbackFactory(forwarded_by=other_csm)
    client.force_login(csm)
    listed = set(client.get("/feedback/").context["page"].object_list)
    assert listed == {mine, on_my_account}
    assert client.get(f"/feedback/{on_my_account.pk}/").status_code == 200
    assert client.get(f"/feedback/{someone_elses.pk}/").status_code == 403
    assert client.get("/feedback/999999/").status_code == 404


@pytest.mark.django_db
def test_it_shows_managers_every_item_and_support_ops_none(client, manager, ops):
    items = {FeedbackFactory(), FeedbackFactory(status=FeedbackStatus.TRIAGED)}
    client.force_login(manager)
    assert set(client.get("/feedback/").context["page"].object_list) == items
    client.force_login(ops)
    response = client.get("/feedback/")
    assert list(response.context["page"].object_list) == []
    assert b"worked by the support managers" in response.content
