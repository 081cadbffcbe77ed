import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Account, Organization, Region, SalesforceUser, SupportLevel


def sf_id(prefix: str, n: int) -> str:
    return f"{prefix}{n:015d}"[:18].ljust(18, "A")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    sf_id = factory.Sequence(lambda n: sf_id("001", n))
    name = factory.Sequence(lambda n: f"Customer {n} Inc")
    support_level = SupportLevel.PRIORITY
    region = Region.EMEA
    seats = 120
    renewal_date = factory.LazyFunction(lambda: timezone.now().date() + dt.timedelta(days=200))
    sold_to_email = factory.Sequence(lambda n: f"buyer{n}@customer.example")
    sf_modstamp = factory.LazyFunction(timezone.now)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    zd_id = factory.Sequence(lambda n: 360000000 + n)
    name = factory.LazyAttribute(lambda o: o.account.name if o.account else "Unlinked org")
    account = factory.SubFactory(AccountFactory)
    salesforce_id = factory.LazyAttribute(lambda o: o.account.sf_id if o.account else "")
    am_project_id = factory.Sequence(lambda n: str(17000000 + n))
    zd_updated_at = factory.LazyFunction(timezone.now)


class SalesforceUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesforceUser

    sf_id = factory.Sequence(lambda n: sf_id("005", n))
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"sf.user{n}@example.com")
    sf_modstamp = factory.LazyFunction(timezone.now)


def shipped_templates() -> None:
    """Re-create the templates the data migration ships (transactional tests flush them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("accounts.migrations.0004_shipped_checklist_templates").ship(apps, None)
    importlib.import_module("accounts.migrations.0008_handbook_faithful_templates").forwards(apps, None)
    importlib.import_module("accounts.migrations.0009_step_actions").forwards(apps, None)
    importlib.import_module("accounts.migrations.0011_collaboration_project_id_in_step_text").forwards(
        apps, None
    )


def start_checklist(account: Account, key: str = "support-onboarding", actor: object = None):
    """Start one of the shipped checklists on an account, the way a CSM does."""
    from accounts.checklist_models import ChecklistTemplate
    from accounts.services.checklists import checklist_start

    shipped_templates()
    return checklist_start(account=account, template=ChecklistTemplate.objects.get(key=key), actor=actor)
