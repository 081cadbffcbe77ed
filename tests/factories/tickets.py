import factory
from django.utils import timezone

from tickets.models import Case, Comment, Priority, Status, Ticket

from .accounts import sf_id
from .contacts import SupportUserFactory


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    zd_id = factory.Sequence(lambda n: 100000 + n)
    requester = factory.SubFactory(SupportUserFactory)
    organization = factory.LazyAttribute(lambda o: o.requester.organization if o.requester else None)
    # The instance of its organization (or requester): rows link within an instance.
    zd_instance = factory.LazyAttribute(
        lambda o: (o.organization or o.requester).zd_instance if (o.organization or o.requester) else "global"
    )
    account = factory.LazyAttribute(lambda o: o.organization.account if o.organization else None)
    zd_organization_id = factory.LazyAttribute(lambda o: o.organization.zd_id if o.organization else None)
    zd_requester_id = factory.LazyAttribute(lambda o: o.requester.zd_id if o.requester else None)
    subject = factory.Sequence(lambda n: f"Pipeline fails after upgrade ({n})")
    description = "Since Monday every pipeline fails at the deploy stage."
    status = Status.OPEN
    priority = Priority.NORMAL
    zd_created_at = factory.LazyFunction(timezone.now)
    zd_updated_at = factory.LazyFunction(timezone.now)
    generated_timestamp = factory.LazyFunction(lambda: int(timezone.now().timestamp()))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    zd_id = factory.Sequence(lambda n: 5000000 + n)
    ticket = factory.SubFactory(TicketFactory)
    zd_ticket_id = factory.LazyAttribute(lambda o: o.ticket.zd_id)
    zd_instance = factory.LazyAttribute(lambda o: o.ticket.zd_instance if o.ticket else "global")
    author = factory.LazyAttribute(lambda o: o.ticket.requester)
    zd_author_id = factory.LazyAttribute(lambda o: o.author.zd_id if o.author else None)
    body = "Here are the logs."
    created_at = factory.LazyFunction(timezone.now)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    sf_id = factory.Sequence(lambda n: sf_id("500", n))
    case_number = factory.Sequence(lambda n: f"{n:08d}")
    ticket = factory.SubFactory(TicketFactory)
    zd_ticket_id = factory.LazyAttribute(lambda o: o.ticket.zd_id if o.ticket else None)
    account = factory.LazyAttribute(lambda o: o.ticket.account if o.ticket else None)
    sf_account_id = factory.LazyAttribute(lambda o: o.account.sf_id if o.account else "")
    sf_created_at = factory.LazyFunction(timezone.now)


class ReviewedTicketFactory(TicketFactory):
    """A ticket whose best-practice review and SLA have been computed (as after a sync)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def reviewed(obj, create, extracted, **kwargs):
        if create:
            from tickets.services import ticket_reviews_refresh

            ticket_reviews_refresh(ticket_ids=[obj.pk])
            obj.refresh_from_db()
