"""The access rule in the Django admin (csmportal.admin_access, docs/instances.md, Access).

One account has the same rows in the global instance and in the restricted ``usgov`` one, under
the same numbers (tests/instances/two_instances.py), plus a comment on each ticket. A staff
member not cleared for ``usgov`` (an admin, and a staff member with view permissions only) finds
none of its rows in the admin's lists of tickets, comments, organizations, support users,
ratings, feedback and support-ops requests, searched or filtered, and its change, history and
delete pages and its "view on site" address are 404s, as for a row that does not exist. Once
cleared, the same person sees them all.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory

from feedback.models import Feedback
from tests.factories import CommentFactory, UserFactory
from tests.instances import two_instances
from tests.instances.restricted import USGOV, clear, restrict
from tests.instances.two_instances import TICKET_NUMBER, USGOV_TEXT

pytestmark = pytest.mark.django_db

# model admin's address, the side's row, searches and filters that find both sides' rows
LISTS = {
    "tickets/ticket": ("ticket", [f"q={TICKET_NUMBER}", f"q={USGOV_TEXT}", "status__exact=open"]),
    "tickets/comment": ("comment", [f"q={TICKET_NUMBER}"]),
    "accounts/organization": ("org", [f"q={USGOV_TEXT}", "q=org"]),
    "contacts/supportuser": ("requester", [f"q={USGOV_TEXT}", "q=990"]),
    "feedback/rating": ("rating", [f"q={USGOV_TEXT}", "score__exact=bad"]),
    "feedback/feedback": ("feedback", [f"q={USGOV_TEXT}", f"q={TICKET_NUMBER}"]),
    "supportops/opsrequest": ("request", [f"q={USGOV_TEXT}", "status__exact=done"]),
}
VIEWS = ("change", "history", "delete")


@pytest.fixture
def world(settings, csm):
    restrict(settings)
    built = two_instances.build(csm)
    for side in (built.glob, built.usgov):
        side.comment = CommentFactory(ticket=side.ticket, body=f"{side.ticket.subject} comment")  # type: ignore[attr-defined]
    return built


@pytest.fixture(params=["admin", "staff"])
def staff(request, admin_user):
    """An admin, or a staff member who may only view these lists."""
    if request.param == "admin":
        return admin_user
    person = UserFactory(is_staff=True)
    codenames = [f"view_{address.split('/')[1]}" for address in LISTS]
    person.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return person


def row(world, side: str, name: str):
    return getattr(getattr(world, side), name)


def test_an_uncleared_staff_member_finds_no_restricted_row_in_the_admin(world, staff):
    client = Client()
    client.force_login(staff)
    for address, (name, queries) in LISTS.items():
        hidden, shown = row(world, "usgov", name), row(world, "glob", name)
        for query in ["", *queries]:
            page = client.get(f"/admin/{address}/?{query}")
            assert page.status_code == 200, (address, query)
            body = page.content.decode()
            assert f"/admin/{address}/{hidden.pk}/change/" not in body, (address, query)
            if USGOV_TEXT in query:  # the search box says what was searched: no row found
                assert 'id="result_list"' not in body, (address, query)
            else:
                assert USGOV_TEXT not in body, (address, query)
        listing = client.get(f"/admin/{address}/").content.decode()
        assert f"/admin/{address}/{shown.pk}/change/" in listing, address
        for view in VIEWS:
            assert client.get(f"/admin/{address}/{hidden.pk}/{view}/").status_code == 404, (address, view)
            # a row that does not exist answers the same
            assert client.get(f"/admin/{address}/999999/{view}/").status_code == 404, (address, view)
        assert client.get(f"/admin/{address}/{shown.pk}/change/").status_code == 200, address


def test_a_cleared_staff_member_finds_every_row(world, staff):
    clear(staff)
    client = Client()
    client.force_login(staff)
    for address, (name, queries) in LISTS.items():
        hidden = row(world, "usgov", name)
        body = client.get(f"/admin/{address}/?{queries[0]}").content.decode()
        assert f"/admin/{address}/{hidden.pk}/change/" in body, address
        for view in ("change", "history"):
            assert client.get(f"/admin/{address}/{hidden.pk}/{view}/").status_code == 200, (address, view)


@pytest.mark.parametrize("cleared", [False, True], ids=["uncleared", "cleared"])
def test_view_on_site_gives_no_restricted_address_away(world, admin_user, cleared):
    if cleared:
        clear(admin_user)
    client = Client()
    client.force_login(admin_user)
    tickets = ContentType.objects.get(app_label="tickets", model="ticket").pk
    hidden = client.get(f"/admin/r/{tickets}/{world.usgov.ticket.pk}/")
    shown = client.get(f"/admin/r/{tickets}/{world.glob.ticket.pk}/")
    assert shown.status_code == 302 and shown["Location"].endswith(f"/tickets/{TICKET_NUMBER}/")
    if cleared:
        assert hidden.status_code == 302 and hidden["Location"].endswith(f"/tickets/{USGOV}/{TICKET_NUMBER}/")
    else:
        assert hidden.status_code == 404
    assert client.get(f"/admin/r/{tickets}/not-a-number/").status_code == 404


def test_a_form_links_only_to_rows_the_admin_may_see(world, admin_user):
    """The feedback form's ticket field accepts the global ticket, not the restricted one (the
    same "not a valid choice" as a missing row)."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    form_class = admin.site.get_model_admin(Feedback).get_form(request, world.glob.feedback)
    choices = form_class().fields["ticket"].queryset
    assert set(choices.filter(zd_id=TICKET_NUMBER)) == {world.glob.ticket}
    clear(admin_user)
    request.user = admin_user
    choices = (
        admin.site.get_model_admin(Feedback)
        .get_form(request, world.glob.feedback)()
        .fields["ticket"]
        .queryset
    )
    assert set(choices.filter(zd_id=TICKET_NUMBER)) == {world.glob.ticket, world.usgov.ticket}
