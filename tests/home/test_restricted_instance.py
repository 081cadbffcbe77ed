"""The home page counts nothing of a restricted Zendesk instance (usgov) for people not cleared for
it: every reason count and row of a CSM, the managers' and support ops' queues."""

import pytest

from tests.instances import two_instances
from tests.instances.restricted import clear, restrict

pytestmark = pytest.mark.django_db

REASONS = ("sla_breached", "feedback", "bad_ratings", "requests")


@pytest.fixture
def world(settings, csm):
    restrict(settings)
    return two_instances.build(csm)


def _counts(response) -> dict[str, int]:
    return {s.reason: s.count for s in response.context["attention"].sections if s.reason in REASONS}


def test_a_csms_reasons_count_the_restricted_rows_only_once_cleared(client, csm, world):
    client.force_login(csm)
    response = client.get("/")
    assert _counts(response) == dict.fromkeys(REASONS, 1)
    html = response.content.decode()
    assert "See the breached tickets (1)" in html
    assert f"/requests/{world.usgov.request.pk}/" not in html  # one waiting request: linked itself
    assert f"/requests/{world.glob.request.pk}/" in html

    clear(csm)
    response = client.get("/")
    assert _counts(response) == dict.fromkeys(REASONS, 2)
    assert "See the breached tickets (2)" in response.content.decode()


def test_the_managers_and_support_ops_queues_count_the_restricted_items_only_once_cleared(
    client, manager, ops, world
):
    client.force_login(manager)
    assert client.get("/").context["manager"].counts["new"] == 1
    clear(manager)
    assert client.get("/").context["manager"].counts["new"] == 2
    client.force_login(ops)
    assert client.get("/").context["ops"].counts["done"] == 1
    clear(ops)
    assert client.get("/").context["ops"].counts["done"] == 2
