"""An organization's link to its account is trusted when a person confirmed it or its name or
domains match the account; only then do its people get the account's emails."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AccountEvent
from accounts.recipients import (
    account_recipients,
    names_match,
    organization_link_trusted,
    recipient_allowed,
    significant_words,
)
from accounts.services.organizations import organization_link_confirm
from tests.factories import AccountFactory, OrganizationFactory, SupportUserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("org_name", "account_name", "match"),
    [
        ("Aurora Analytics AG", "Aurora Analytics AG", True),
        ("Aurora Analytics", "Aurora Analytics AG", True),
        ("aurora analytics (trial)", "Aurora Analytics AG", True),
        ("Société Générale S.A.", "Societe Generale", True),
        ("Delta Payments Pte. Ltd.", "Aurora Analytics AG", False),
        ("Aurora Payments", "Aurora Analytics AG", False),
        ("Inc.", "Acme Inc.", False),  # nothing significant to compare
        ("", "Acme", False),
    ],
)
def test_which_names_match(org_name, account_name, match):
    assert names_match(org_name, account_name) is match


def test_significant_words_leave_out_legal_forms():
    assert significant_words("Helix Bank Pty Ltd") == {"helix", "bank"}
    assert significant_words("Quartz Labs K.K.") == {"quartz", "labs"}


@pytest.fixture
def aurora(csm):
    return AccountFactory(name="Aurora Analytics AG", csm=csm, sold_to_email="buyer@auroraanalytics.ch")


@pytest.fixture
def delta(aurora):
    """Another company's org that carries Aurora's Salesforce ID (as in the demo)."""
    org = OrganizationFactory(
        account=aurora, name="Delta Payments Pte. Ltd.", domain_names=["deltapayments.sg"]
    )
    SupportUserFactory(organization=org, email="tan@deltapayments.sg", name="Tan Delta")
    return org


def test_an_org_that_only_carries_the_id_is_untrusted_and_its_people_get_nothing(aurora, delta):
    assert not organization_link_trusted(delta, aurora)
    assert "tan@deltapayments.sg" not in [r.email for r in account_recipients(aurora)]
    assert not recipient_allowed(aurora, "tan@deltapayments.sg")
    assert not recipient_allowed(aurora, "anyone@deltapayments.sg")
    assert recipient_allowed(aurora, "buyer@auroraanalytics.ch")  # the sold-to contact


def test_a_domain_matching_the_sold_to_email_trusts_the_org(aurora):
    org = OrganizationFactory(account=aurora, name="AA Zurich", domain_names=["AuroraAnalytics.ch"])
    SupportUserFactory(organization=org, email="kim@auroraanalytics.ch")
    assert organization_link_trusted(org, aurora)
    assert "kim@auroraanalytics.ch" in [r.email for r in account_recipients(aurora)]
    assert recipient_allowed(aurora, "new.person@auroraanalytics.ch")  # an address at its domain


def test_confirming_the_link_lifts_the_exclusion_and_is_audited(aurora, delta, csm):
    organization_link_confirm(organization=delta, user=csm)
    delta.refresh_from_db()
    assert (
        delta.link_confirmed_by == csm
        and delta.link_confirmed_at
        and delta.link_confirmed_sf_id == aurora.sf_id
    )
    assert organization_link_trusted(delta, aurora)
    assert "tan@deltapayments.sg" in [r.email for r in account_recipients(aurora)]
    assert recipient_allowed(aurora, "anyone@deltapayments.sg")
    event = AccountEvent.objects.get(account=aurora, verb="organization.link_confirmed")
    assert event.actor == csm and "Delta Payments Pte. Ltd." in event.summary
    organization_link_confirm(organization=delta, user=csm)  # again: nothing new
    assert AccountEvent.objects.filter(verb="organization.link_confirmed").count() == 1


def test_a_confirmation_holds_only_for_the_account_it_was_given_for(aurora, delta, csm):
    organization_link_confirm(organization=delta, user=csm)
    other = AccountFactory(name="Cedar Foods")
    delta.account, delta.salesforce_id = other, other.sf_id  # the sync relinks it elsewhere
    delta.save()
    assert not organization_link_trusted(delta, other)


def test_only_the_accounts_csm_or_an_admin_confirms(aurora, delta, other_csm, manager, admin_user):
    for user in (other_csm, manager):
        with pytest.raises(PermissionDenied):
            organization_link_confirm(organization=delta, user=user)
    assert not AccountEvent.objects.filter(verb="organization.link_confirmed").exists()
    organization_link_confirm(organization=delta, user=admin_user)
    delta.refresh_from_db()
    assert delta.link_confirmed_by == admin_user


def test_the_confirm_action_is_a_post_for_the_accounts_csm(client, aurora, delta, csm, other_csm):
    url = f"/accounts/{aurora.pk}/organizations/{delta.pk}/confirm-link/"
    client.force_login(other_csm)
    assert client.post(url).status_code == 403
    client.force_login(csm)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"/accounts/{aurora.pk}/"
    delta.refresh_from_db()
    assert delta.link_confirmed_by == csm
    elsewhere = OrganizationFactory(name="Unrelated")
    assert client.post(f"/accounts/{aurora.pk}/organizations/{elsewhere.pk}/confirm-link/").status_code == 404


def test_the_demos_mislinked_orgs_stay_untrusted_and_its_own_orgs_trusted():
    """The demo's data (seed 1, 40 accounts): "Delta Payments Pte. Ltd." carries Aurora Analytics
    AG's Salesforce ID; it and every other org carrying another account's ID are untrusted."""
    from accounts.models import Account, Organization
    from sandbox.config import SandboxConfig
    from sandbox.data import generate_world

    world = generate_world(SandboxConfig(seed=1, accounts=40, tickets=0), "https://sandbox.invalid")
    accounts = {}
    for n, row in enumerate(world.accounts, 1):
        accounts[row["Id"]] = Account(
            pk=n, sf_id=row["Id"], name=row["Name"], sold_to_email=row["Sold_To_Email__c"]
        )
    mislinked, own = [], 0
    for row in world.orgs:
        sf = row["organization_fields"]["salesforce_id"] or ""
        account = accounts.get(sf) or next(
            (a for a in accounts.values() if len(sf) == 15 and a.sf_id[:15] == sf), None
        )
        if account is None:
            continue
        org = Organization(name=row["name"], domain_names=row["domain_names"], account_id=account.pk)
        if world.org_account[row["id"]] == account.sf_id:
            own += 1
            assert organization_link_trusted(org, account), row["name"]
        else:
            mislinked.append((row["name"], account.name))
            assert not organization_link_trusted(org, account), row["name"]
    assert ("Delta Payments Pte. Ltd.", "Aurora Analytics AG") in mislinked
    assert own > 20
