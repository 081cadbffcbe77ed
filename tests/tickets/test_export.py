"""The dashboard's CSV export: the same filters as the page, readable and safe in a spreadsheet."""

import csv
import io

import pytest

from tickets.models import Priority

pytestmark = pytest.mark.django_db


def rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_it_exports_the_filtered_list_with_the_pages_default_scope(csm_client, make_ticket):
    high = make_ticket(priority=Priority.HIGH, subject="Geo lag")
    make_ticket(priority=Priority.LOW)
    make_ticket("theirs", priority=Priority.HIGH)
    response = csm_client.get("/tickets/export.csv?priority=high")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    header, *data = rows(response)
    assert header[:3] == ["Ticket", "Subject", "Account"] and "Findings" in header and "SLA" in header
    assert [r[0] for r in data] == [str(high.zd_id)]
    record = dict(zip(header, data[0], strict=True))
    assert record["Subject"] == "Geo lag" and record["Account"] == "Acme Rockets"
    assert record["Priority"] == "High" and record["CSM"] == "Casey CSM"
    assert record["Zendesk"].endswith(f"/agent/tickets/{high.zd_id}") and "/api/v2/" not in record["Zendesk"]
    assert record["Portal"].endswith(f"/tickets/{high.zd_id}/")
    assert record["Score"] == str(high.quality_score)


def test_it_lists_the_findings_and_masks_secrets(csm_client, make_ticket):
    make_ticket(subject="Token glpat-9xY2kLmN4pQr7sTu1vWz fails", description="please call me")
    header, data = (
        rows(csm_client.get("/tickets/export.csv"))[0],
        rows(csm_client.get("/tickets/export.csv"))[1],
    )
    record = dict(zip(header, data, strict=True))
    assert "glpat-9xY2kLmN4pQr7sTu1vWz" not in record["Subject"]
    assert "Call requested in the first submission" in record["Findings"]


def test_it_neutralises_spreadsheet_formulas(csm_client, make_ticket):
    make_ticket(subject='=HYPERLINK("http://evil.example","click")')
    header, data = rows(csm_client.get("/tickets/export.csv"))
    assert dict(zip(header, data, strict=True))["Subject"].startswith("'=")


def test_csm_any_exports_every_account(csm_client, make_ticket):
    for key in ("mine", "theirs", "orphan"):
        make_ticket(key)
    assert len(rows(csm_client.get("/tickets/export.csv?csm=any"))) == 4
