"""A secret a customer pasted into a ticket is masked on every page that shows the ticket."""

import pytest

from tests.factories import FeedbackFactory, RatingFactory, TicketFactory

pytestmark = pytest.mark.django_db

TOKEN = "ghp_" + "Q7vK2m" * 6


@pytest.fixture
def ticket(csm):
    ticket = TicketFactory(subject=f"CI cannot clone, used {TOKEN}")
    ticket.account.csm = csm
    ticket.account.save()
    return ticket


def test_it_masks_the_secret_on_feedback_ratings_and_cadence_pages(client, csm, manager, ticket):
    item = FeedbackFactory(ticket=ticket, forwarded_by=csm)
    RatingFactory(ticket=ticket, score="bad", comment="Slow.")
    client.force_login(manager)
    for path in (
        f"/feedback/{item.pk}/",
        "/feedback/ratings/?csm=any",
        f"/feedback/accounts/{ticket.account_id}/cadence/",
        f"/tickets/{ticket.pk}/",
        "/tickets/?csm=any",
    ):
        page = client.get(path).content.decode()
        assert "CI cannot clone" in page, path
        assert TOKEN not in page, path
