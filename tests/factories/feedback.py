import factory
from django.utils import timezone

from feedback.models import Channel, Feedback, Rating, Score, Sentiment

from .tickets import TicketFactory
from .users import UserFactory


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    zd_id = factory.Sequence(lambda n: 700000 + n)
    ticket = factory.SubFactory(TicketFactory)
    zd_ticket_id = factory.LazyAttribute(lambda o: o.ticket.zd_id if o.ticket else None)
    account = factory.LazyAttribute(lambda o: o.ticket.account if o.ticket else None)
    organization = factory.LazyAttribute(lambda o: o.ticket.organization if o.ticket else None)
    score = Score.GOOD
    comment = "Quick and helpful."
    zd_created_at = factory.LazyFunction(timezone.now)
    zd_updated_at = factory.LazyFunction(timezone.now)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    ticket = factory.SubFactory(TicketFactory)
    account = factory.LazyAttribute(lambda o: o.ticket.account)
    forwarded_by = factory.SubFactory(UserFactory, roles=["CSM"])
    sentiment = Sentiment.NEGATIVE
    channel = Channel.EMAIL
    customer_words = "The engineer kept asking for the same logs."
