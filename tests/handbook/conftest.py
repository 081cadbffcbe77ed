import pytest

from tests.factories import AccountFactory, ContactFactory, OrganizationFactory, SupportUserFactory
from tests.factories.accounts import start_checklist


@pytest.fixture
def portal(csm, csm_client):
    """One account onboarded with both checklists, its contacts, a reviewed ticket; returns a
    function that renders one of the portal's places (by name) as the CSM sees it."""
    from accounts.checklist_models import StepKind
    from tests.factories.tickets import ReviewedTicketFactory

    account = AccountFactory(csm=csm, name="Acme", sold_to_email="buyer@acme.example", seats=120)
    org = OrganizationFactory(
        account=account,
        am_project_id="17735787",
        cmp_id="20000007",
        cmp_developers="- Dana Dev <dana@acme.example>",
        notes="Escalations go to the platform team.",
    )
    ContactFactory(account=account, first_name="Bea", last_name="Buyer", email="buyer@acme.example")
    requester = SupportUserFactory(organization=org, email="dana@acme.example", name="Dana Dev")
    current = start_checklist(account, actor=csm)
    start_checklist(account, key="support-onboarding-contact-collection", actor=csm)
    ticket = ReviewedTicketFactory(
        requester=requester,
        organization=org,
        account=account,
        description="It fails. Token: glpat-9xY2kLmN4pQr7sTu1vWz",
    )
    email_step = current.steps.get(kind=StepKind.EMAIL)
    places = {
        "account page (onboarding checklists)": f"/accounts/{account.pk}/",
        "contacts page": f"/contacts/account/{account.pk}/",
        "Managing Support Contacts email": f"/accounts/{account.pk}/steps/{email_step.pk}/email/",
        "ticket page": f"/tickets/{ticket.zd_id}/",
        "link fixer (/go/)": "/go/",
        "feedback pages": "/feedback/forward/",
        "footer of every page": "/tickets/",
    }

    def render(where: str) -> str:
        response = csm_client.get(places[where])
        assert response.status_code == 200, where
        return response.content.decode()

    render.places = places  # type: ignore[attr-defined]
    return render
