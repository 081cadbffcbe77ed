import datetime as dt

import factory
from django.utils import timezone

from feedback.models import Channel, Feedback, FeedbackEvent, Rating, RotationWeek, Score, Sentiment

from .tickets import TicketFactory
from .users import UserFactory


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    zd_id = factory.Sequence(lambda n: 700000 + n)
    ticket = factory.SubFactory(TicketFactory)
    zd_ticket_id = factory.LazyAttribute(lambda o: o.ticket.zd_id if o.ticket else None)
    zd_instance = factory.LazyAttribute(lambda o: o.ticket.zd_instance if o.ticket else "global")
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
    zd_ticket_id = factory.LazyAttribute(lambda o: o.ticket.zd_id if o.ticket else None)
    # Its ticket's instance, as forwarding records it.
    zd_instance = factory.LazyAttribute(lambda o: o.ticket.zd_instance if o.ticket else "global")
    account = factory.LazyAttribute(lambda o: o.ticket.account)
    forwarded_by = factory.SubFactory(UserFactory, roles=["CSM"])
    sentiment = Sentiment.NEGATIVE
    channel = Channel.EMAIL
    customer_words = "The engineer kept asking for the same logs."
    first_response_due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    due_rule = "7 days"


class FeedbackEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackEvent

    feedback = factory.SubFactory(FeedbackFactory)
    kind = "commented"
    body = "Looking into it."


class RotationWeekFactory(factory.django.DjangoModelFactory):
    """The week containing `timezone.now()` by default (weeks start on Monday, UTC)."""

    class Meta:
        model = RotationWeek

    week_start = factory.LazyFunction(
        lambda: (
            timezone.now().astimezone(dt.UTC).date()
            - dt.timedelta(days=timezone.now().astimezone(dt.UTC).weekday())
        )
    )
    manager = factory.SubFactory(UserFactory, roles=["Support manager"])
