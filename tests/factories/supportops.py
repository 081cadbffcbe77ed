import factory

from supportops.models import OpsRequest, RequestKind
from supportops.text import correction_text

from .accounts import OrganizationFactory
from .users import UserFactory


class OpsRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpsRequest

    kind = RequestKind.AM_PROJECT_ID
    organization = factory.SubFactory(OrganizationFactory)
    account = factory.LazyAttribute(lambda o: o.organization.account)
    zd_organization_id = factory.LazyAttribute(lambda o: o.organization.zd_id if o.organization else None)
    zd_instance = factory.LazyAttribute(lambda o: o.organization.zd_instance if o.organization else "global")
    requested_by = factory.SubFactory(UserFactory, roles=["CSM"])
    current_am_project_id = factory.LazyAttribute(
        lambda o: o.organization.am_project_id if o.organization else ""
    )
    requested_am_project_id = factory.Sequence(lambda n: str(27000000 + n))
    project_url = factory.Sequence(lambda n: f"https://gitlab.com/customers/project-{n}")
    body = factory.LazyAttribute(
        lambda o: correction_text(
            zd_organization_id=o.zd_organization_id,
            am_project_id=o.requested_am_project_id,
            project_url=o.project_url,
        )
    )


class NotesRequestFactory(OpsRequestFactory):
    kind = RequestKind.ORG_NOTES
    requested_am_project_id = ""
    project_url = ""
    notes = "Self-managed on Kubernetes (3 nodes). Escalations go to the platform team lead."
    body = "Please attach the notes."
