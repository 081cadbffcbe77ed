"""Each role x each page -> allowed (200) or forbidden (403). Anonymous users go to login."""

import pytest

from tests.factories import AccountFactory, FeedbackFactory, OpsRequestFactory, TicketFactory

ROLES = ["csm", "other_csm", "manager", "ops", "admin", "no_role"]
STAFF = {"csm", "other_csm", "manager", "ops", "admin"}
EVERYONE = STAFF | {"no_role"}


def build_pages():
    account = AccountFactory()
    ticket = TicketFactory()
    FeedbackFactory()
    OpsRequestFactory()
    return {
        # page: (path, roles allowed)
        "home": ("/", STAFF),
        "accounts list": ("/accounts/", STAFF),
        "account page": (f"/accounts/{account.pk}/", STAFF),
        "tickets list": ("/tickets/", STAFF),
        "ticket page": (f"/tickets/{ticket.zd_id}/", STAFF),
        "feedback": ("/feedback/", STAFF),
        "requests": ("/requests/", STAFF),
        "sync": ("/sync/", STAFF),
        "profile": ("/profile/", EVERYONE),
        "team": ("/team/", {"admin"}),
        "rotation": ("/feedback/rotation/", {"manager", "admin"}),
        "two-factor": ("/auth/2fa/", EVERYONE),
    }


PAGE_NAMES = [
    "home",
    "accounts list",
    "account page",
    "tickets list",
    "ticket page",
    "feedback",
    "requests",
    "sync",
    "profile",
    "team",
    "rotation",
    "two-factor",
]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*ROLES, "anonymous"], indirect=True)
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_it_allows_or_forbids_each_page_by_role(persona, page):
    user, client = persona
    path, allowed = build_pages()[page]
    response = client.get(path)
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name in allowed:
        assert response.status_code == 200, f"{user.name} should see {page}"
    else:
        assert response.status_code == 403, f"{user.name} should not see {page}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona,section",
    [
        ("csm", "Your accounts"),
        ("manager", "Feedback queue"),
        ("ops", "Requests to support ops"),
        ("admin", "The portal"),
    ],
    indirect=["persona"],
)
def test_it_starts_each_role_on_its_home_page(persona, section):
    _user, client = persona
    response = client.get("/")
    assert response.status_code == 200
    assert f">{section}</h2>" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["no_role"], indirect=True)
def test_it_tells_a_user_without_a_role_to_ask_an_admin(persona):
    _user, client = persona
    response = client.get("/")
    assert response.status_code == 403
    assert b"no role yet" in response.content
