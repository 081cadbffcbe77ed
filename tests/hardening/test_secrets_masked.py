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
        f"/tickets/{ticket.zd_id}/",
        "/tickets/?csm=any",
    ):
        page = client.get(path).content.decode()
        assert "CI cannot clone" in page, path
        assert TOKEN not in page, path


def test_it_masks_a_secret_in_a_rating_comment_and_in_feedback_quotes_on_every_page_and_csv(
    client, csm, manager, ticket
):
    """Rating comments and the customer's words of a feedback item are customer text too."""
    rating = RatingFactory(ticket=ticket, score="bad", comment=f"Your engineer asked for {TOKEN} again.")
    words = f"They said: {TOKEN}"
    item = FeedbackFactory(ticket=ticket, forwarded_by=csm, rating=rating, customer_words=words)
    client.force_login(manager)
    for path in (
        "/feedback/ratings/?csm=any",
        "/feedback/ratings/export.csv?csm=any",
        f"/feedback/{item.pk}/",
        "/feedback/?status=all",
        "/feedback/export.csv?status=all",
        f"/feedback/accounts/{ticket.account_id}/cadence/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = b"".join(response.streaming_content) if response.streaming else response.content
        text = page.decode()
        assert "Your engineer asked for" in text or "They said:" in text, path
        assert TOKEN not in text, path
