"""Link resolution with two Zendesk instances holding the same numbers: every Zendesk row links
to the parent of its own instance, a Salesforce case to the global instance's ticket, and one
Salesforce account has organizations in both instances (docs/instances.md)."""

from datetime import timedelta

import pytest

from accounts.models import Account, Organization
from contacts.models import SupportUser
from feedback.models import Rating
from integrations import links
from integrations import upsert as upsert_module
from integrations.records import CaseRecord, CommentRecord, RatingRecord
from integrations.upsert import upsert
from tests.instances import USGOV, configure_two_instances
from tests.integrations.test_links import ACME, T0, account, org, ticket, user, write
from tickets.models import Case, Comment, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=[pytest.param("postgresql", marks=pytest.mark.postgres), "generic"])
def upsert_flavour(request, monkeypatch):
    if request.param == "generic":
        monkeypatch.setattr(upsert_module, "_use_postgresql", lambda: False)
    return request.param


@pytest.fixture(autouse=True)
def two_instances(settings):
    configure_two_instances(settings)


# What the streams do for one instance's page (the sync names the instance).
def orgs(instance, *records):
    written = upsert(Organization, records, key="zd_id", version="zd_updated_at", instance=instance)
    new = [w.key for w in written if w.inserted]
    links.link_org_accounts(org_pks=[w.pk for w in written])
    for link in (links.U_ORG, links.T_ORG, links.T_ACCOUNT, links.R_ORG, links.R_ACCOUNT):
        links.link_children(link, new, instance)


def users(instance, *records):
    written = upsert(
        SupportUser, records, key="zd_id", version="zd_updated_at", links=[links.U_ORG], instance=instance
    )
    new = [w.key for w in written if w.inserted]
    links.link_children(links.T_REQUESTER, new, instance)
    links.link_children(links.R_REQUESTER, new, instance)
    links.link_orphan_comment_authors()


def tickets(instance, *records):
    resolve = [links.T_ORG, links.T_ACCOUNT, links.T_REQUESTER]
    written = upsert(
        Ticket, records, key="zd_id", version="generated_timestamp", links=resolve, instance=instance
    )
    new = [w.key for w in written if w.inserted]
    for link in (links.C_TICKET, links.R_TICKET, links.CS_TICKET):
        links.link_children(link, new, instance)
    links.update_first_replies([w.key for w in written], instance)


def comments(instance, *records):
    resolve = [links.C_TICKET, links.C_AUTHOR]
    upsert(Comment, records, key="zd_id", version=None, links=resolve, instance=instance)
    links.update_first_replies([r.zd_ticket_id for r in records], instance)


def ratings(instance, *records):
    resolve = [links.R_TICKET, links.R_ORG, links.R_ACCOUNT, links.R_REQUESTER]
    upsert(Rating, records, key="zd_id", version="zd_updated_at", links=resolve, instance=instance)


def comment(zd_id, ticket_id, author, minutes, public=True):
    return CommentRecord(
        zd_id=zd_id,
        zd_ticket_id=ticket_id,
        zd_author_id=author,
        public=public,
        body="text",
        attachments=[],
        created_at=T0 + timedelta(minutes=minutes),
    )


def rating(zd_id=7, ticket_id=1, org_id=10, requester=100):
    return RatingRecord(
        zd_id=zd_id,
        zd_ticket_id=ticket_id,
        zd_organization_id=org_id,
        zd_requester_id=requester,
        score="good",
        comment="",
        reason="",
        zd_created_at=T0,
        zd_updated_at=T0,
    )


def case(zd_ticket_id=1):
    return CaseRecord(
        sf_id="5008d0000000005AAA",
        case_number="5",
        zd_ticket_id=zd_ticket_id,
        sf_account_id="",
        sf_contact_id="",
        subject="",
        status="New",
        priority="",
        origin="Zendesk",
        sf_created_at=T0,
        sf_modstamp=T0,
    )


def one(model, instance, **lookup):
    return model.objects.get(zd_instance=instance, **lookup)


def test_the_same_numbers_in_two_instances_are_two_rows_each_linked_within_its_instance():
    write("salesforce.accounts", account())
    # Children first in one instance, parents first in the other: both orders link.
    tickets(USGOV, ticket(zd_id=1, org_id=10, requester=100))
    for instance in ("global", USGOV):
        orgs(instance, org(zd_id=10, name=f"Acme {instance}"))
        users(instance, user(zd_id=100, email=f"pat@{instance}.example"))
    tickets("global", ticket(zd_id=1, org_id=10, requester=100))
    ratings(USGOV, rating())
    ratings("global", rating())

    assert Ticket.objects.filter(zd_id=1).count() == 2
    for instance in ("global", USGOV):
        saved = one(Ticket, instance, zd_id=1)
        assert saved.organization == one(Organization, instance, zd_id=10)
        assert saved.requester == one(SupportUser, instance, zd_id=100)
        assert one(SupportUser, instance, zd_id=100).organization == one(Organization, instance, zd_id=10)
        kept = one(Rating, instance, zd_id=7)
        assert (kept.ticket, kept.organization, kept.requester) == (
            saved,
            saved.organization,
            saved.requester,
        )
        # One Salesforce account, an organization in each instance.
        assert saved.account == Account.objects.get(sf_id=ACME) == kept.account
    assert set(Account.objects.get().organizations.values_list("zd_instance", flat=True)) == {"global", USGOV}


def test_an_organization_of_one_instance_never_links_the_other_instances_tickets():
    write("salesforce.accounts", account())
    tickets("global", ticket(zd_id=1, org_id=10))
    orgs(USGOV, org(zd_id=10))  # the same number, the other instance
    assert one(Ticket, "global", zd_id=1).organization is None
    assert one(Ticket, "global", zd_id=1).account is None
    # Without naming the instance (an older caller), each child still gets its own instance's parent.
    links.link_children(links.T_ORG, [10])
    assert one(Ticket, "global", zd_id=1).organization is None


def test_comments_link_to_their_own_instances_ticket_and_author_and_set_its_first_reply():
    for instance, minutes in (("global", 3), (USGOV, 8)):
        users(instance, user(zd_id=100), user(zd_id=200, email="agent@support.example", role="agent"))
        comments(instance, comment(1, 5, 100, 0), comment(2, 5, 200, minutes))
    tickets(USGOV, ticket(zd_id=5, requester=100))
    tickets("global", ticket(zd_id=5, requester=100))
    for instance, minutes in (("global", 3), (USGOV, 8)):
        saved = one(Ticket, instance, zd_id=5)
        assert {c.ticket for c in Comment.objects.filter(zd_instance=instance)} == {saved}
        assert one(Comment, instance, zd_id=2).author == one(SupportUser, instance, zd_id=200)
        assert saved.first_reply_at == T0 + timedelta(minutes=minutes)


def test_an_agent_of_the_other_instance_with_the_same_number_is_no_first_reply():
    users(USGOV, user(zd_id=200, email="agent@support.example", role="agent"))
    users("global", user(zd_id=200, email="pat@acme.io", role="end-user"))
    tickets("global", ticket(zd_id=5, requester=100))
    comments("global", comment(1, 5, 200, 4))
    assert one(Ticket, "global", zd_id=5).first_reply_at is None  # a customer's comment, not support's


def test_a_salesforce_case_links_to_the_global_instances_ticket():
    tickets(USGOV, ticket(zd_id=1))
    write("salesforce.cases", case(zd_ticket_id=1))
    assert Case.objects.get().ticket is None  # the other instance's ticket 1 is not the case's
    tickets("global", ticket(zd_id=1))
    assert Case.objects.get().ticket == one(Ticket, "global", zd_id=1)
    tickets(USGOV, ticket(zd_id=1, version=2))
    assert Case.objects.get().ticket == one(Ticket, "global", zd_id=1)
