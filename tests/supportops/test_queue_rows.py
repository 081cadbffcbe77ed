"""The queue's rows, rendered in Python (supportops.rows): what the row template showed, with
customer-written text escaped, and the claim form only where support ops may claim."""

import re

import pytest

from supportops.models import RequestStatus
from tests.factories import AccountFactory, OrganizationFactory
from tests.factories.supportops import NotesRequestFactory, OpsRequestFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & co'


def rows(html: str) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", html.split("<tbody>", 1)[1], re.S)


def test_the_queue_shows_each_request_with_customer_text_escaped(ops_client, csm):
    account = AccountFactory(name=f"Acme {HOSTILE}")
    notes = NotesRequestFactory(
        organization=OrganizationFactory(account=account, name=f"Org {HOSTILE}"),
        requested_by=csm,
        notes=f"Runs on {HOSTILE} " + "x" * 100,
    )
    correction = OpsRequestFactory(
        organization=OrganizationFactory(account=account), status=RequestStatus.CLAIMED, claimed_by=csm
    )
    html = ops_client.get("/requests/?state=all").content.decode()
    assert "<script>" not in html
    by_id = {re.search(r'<a href="/requests/(\d+)/">', row).group(1): row for row in rows(html)}
    row = by_id[str(notes.pk)]
    assert "Acme &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in row
    assert "Org &lt;script&gt;" in row and "Runs on &lt;script&gt;" in row and "x\u2026</div>" in row
    assert f'action="/requests/{notes.pk}/claim/"' in row and 'name="csrfmiddlewaretoken"' in row
    row = by_id[str(correction.pk)]
    assert f'\u2192 <span class="mono">{correction.requested_am_project_id}</span>' in row
    assert "/claim/" not in row and '<span class="badge info">Claimed</span>' in row and str(csm) in row


def test_a_csm_sees_no_claim_column(csm_client, csm):
    NotesRequestFactory(organization=OrganizationFactory(account=AccountFactory(csm=csm)), requested_by=csm)
    html = csm_client.get("/requests/").content.decode()
    assert len(rows(html)) == 1 and "/claim/" not in html
