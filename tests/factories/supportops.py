import factory

from supportops.models import OpsRequest, RequestKind

from .accounts import OrganizationFactory
from .users import UserFactory


class OpsRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpsRequest

    kind = RequestKind.AM_PROJECT_ID
    organization = factory.SubFactory(OrganizationFactory)
    account = factory.LazyAttribute(lambda o: o.organization.account)
    requested_by = factory.SubFactory(UserFactory, roles=["CSM"])
    body = "Please change the AM ID."
