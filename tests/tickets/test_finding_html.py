"""A finding on the ticket page, rendered in Python, is the HTML its former template wrote,
with the ticket's quotes and the review's text escaped."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from tickets.finding_html import finding_html
from tickets.review import CHECKS

# tickets/_finding.html as it was when the ticket page included it once per finding.
FORMER_TEMPLATE = (Path(__file__).parent.parent / "fixtures" / "former_finding.html").read_text()

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'"


def normalized(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def findings():
    for code in CHECKS:
        for outcome in ["pass", "clear", "partial", "missing", "flagged", "odd"]:
            yield {"code": code, "outcome": outcome, "points": 5, "message": f"About {code}: {HOSTILE}"}
    yield {
        "code": "sensitive",
        "outcome": "flagged",
        "points": 0,
        "message": "A secret",
        "evidence": [
            {"label": "Comment <2>", "quote": HOSTILE},
            {"attachment": "id_rsa <key>.pem"},
            {"quote": "plain"},
            "not a dict",
        ],
        "note": HOSTILE,
        "prompt": f"Please rotate it.\n\n{HOSTILE}",
    }
    yield {"code": "steps", "outcome": "missing"}  # no points, no message


@pytest.mark.parametrize("finding", list(findings()), ids=lambda f: f"{f['code']}-{f['outcome']}")
def test_a_finding_is_the_html_its_template_wrote(finding):
    expected = Template(FORMER_TEMPLATE).render(Context({"finding": finding}))
    html = finding_html(finding)
    assert normalized(html) == normalized(expected)
    assert "<script>" not in html


def test_the_ticket_page_shows_its_findings_with_the_quotes_escaped(csm_client):
    from tests.factories import TicketFactory

    ticket = TicketFactory(
        quality_findings=[
            {"code": "steps", "outcome": "missing", "points": 0, "message": "No steps."},
            {
                "code": "logs",
                "outcome": "pass",
                "points": 10,
                "message": "Logs attached.",
                "evidence": [{"label": "Description", "quote": HOSTILE}],
            },
        ],
        quality_score=10,
        quality_checked_at="2026-12-01T10:00:00Z",
    )
    html = csm_client.get(f"/tickets/{ticket.zd_id}/").content.decode()
    assert "No steps to reproduce" in html and "Done well (1)" in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "<script>alert" not in html
