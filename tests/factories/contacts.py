import factory
from django.utils import timezone

from contacts.models import Contact, SupportUser

from .accounts import AccountFactory, OrganizationFactory, sf_id


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    sf_id = factory.Sequence(lambda n: sf_id("003", n))
    account = factory.SubFactory(AccountFactory)
    sf_account_id = factory.LazyAttribute(lambda o: o.account.sf_id if o.account else "")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@customer.example")
    email_key = factory.LazyAttribute(lambda o: o.email.lower())
    sf_modstamp = factory.LazyFunction(timezone.now)


class SupportUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportUser

    zd_id = factory.Sequence(lambda n: 900000 + n)
    organization = factory.SubFactory(OrganizationFactory)
    zd_instance = factory.LazyAttribute(lambda o: o.organization.zd_instance if o.organization else "global")
    zd_organization_id = factory.LazyAttribute(lambda o: o.organization.zd_id if o.organization else None)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"requester{n}@customer.example")
    email_key = factory.LazyAttribute(lambda o: o.email.lower())
    zd_updated_at = factory.LazyFunction(timezone.now)
