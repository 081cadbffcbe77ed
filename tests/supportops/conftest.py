import pytest

from tests.factories import AccountFactory, OrganizationFactory


@pytest.fixture
def account(csm):
    return AccountFactory(name="Acme Rockets", csm=csm)


@pytest.fixture
def org(account):
    return OrganizationFactory(account=account, name="Acme Rockets", zd_id=11111111, am_project_id="123")


@pytest.fixture
def settings_ops(settings):
    settings.SUPPORT_OPS_EMAIL = "support-ops@example.com"
    settings.GITLAB_URL = "https://gitlab.com"
    settings.ZENDESK_SUBDOMAIN = "gitlab"
    return settings
