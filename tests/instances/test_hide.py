"""csmportal.instances.hide: the one way every list, count and page applies the access rule."""

import pytest
from django.db.models import Count

from csmportal.instances import hidden_keys, hidden_q, hide, may_see
from feedback.models import Rating
from tests.factories import CommentFactory, OrganizationFactory, RatingFactory, TicketFactory
from tests.instances.restricted import USGOV, clear, restrict
from tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tickets(db):
    """The same ticket number in both instances."""
    ours = TicketFactory(zd_id=4242)
    theirs = TicketFactory(zd_id=4242, zd_instance=USGOV)
    return ours, theirs


def test_nothing_restricted_hides_nothing_and_asks_nothing(csm, two_tickets, django_assert_num_queries):
    queryset = Ticket.objects.all()
    with django_assert_num_queries(0):
        assert hidden_keys(csm) == frozenset()
        assert hide(queryset, csm) is queryset
        assert hidden_q(csm) == hidden_q(csm, "ticket__zd_instance")
        assert may_see(csm, USGOV)
    assert Ticket.objects.visible_to(csm).count() == 2


def test_uncleared_user_loses_the_restricted_rows(settings, csm, two_tickets):
    restrict(settings)
    ours, _ = two_tickets
    assert list(Ticket.objects.visible_to(csm)) == [ours]
    assert not may_see(csm, USGOV)
    assert Ticket.objects.aggregate(n=Count("pk", filter=hidden_q(csm)))["n"] == 1


def test_cleared_user_sees_both(settings, csm, two_tickets):
    restrict(settings)
    clear(csm)
    assert Ticket.objects.visible_to(csm).count() == 2
    assert may_see(csm, USGOV)


def test_hidden_keys_is_one_query_per_user_object(settings, csm, django_assert_num_queries):
    restrict(settings)
    with django_assert_num_queries(1):
        hidden_keys(csm)
        hidden_keys(csm)


def test_through_a_relation_a_row_without_one_stays(settings, csm, two_tickets):
    restrict(settings)
    ours, theirs = two_tickets
    mine = CommentFactory(ticket=ours)
    CommentFactory(ticket=theirs, zd_instance=USGOV)
    orphan = RatingFactory(ticket=None)
    RatingFactory(ticket=theirs, zd_instance=USGOV)
    assert list(hide(Comment.objects.all(), csm, "ticket__zd_instance")) == [mine]
    assert list(Comment.objects.visible_to(csm)) == [mine]
    kept = set(hide(Rating.objects.all(), csm, "ticket__zd_instance"))
    assert orphan in kept and all(r.ticket_id != theirs.pk for r in kept)


def test_every_zendesk_model_has_visible_to(settings, csm):
    restrict(settings)
    OrganizationFactory(zd_instance=USGOV)
    from accounts.models import Organization
    from contacts.models import SupportUser

    for model in (Organization, SupportUser, Ticket, Comment, Rating):
        assert not model.objects.visible_to(csm).filter(zd_instance=USGOV).exists()
