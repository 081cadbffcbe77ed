"""Before the cadence call: an account's last 90 days of tickets, best-practice gaps,
ratings and feedback on one printable screen."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Organization
from contacts.models import SupportUser
from feedback.cadence import cadence_report, cadence_tickets, finding_gaps, known_checks, ticket_gaps
from feedback.models import Feedback
from tests.factories import OrganizationFactory, TicketFactory
from tests.factories.feedback import FeedbackFactory, RatingFactory
from tickets.models import Ticket
from tickets.review import CHECKS

pytestmark = pytest.mark.django_db

# The shape tickets.review writes (Result.as_dict): a gap unless the outcome is pass or clear.
STEPS_MISSING = {"code": "steps", "outcome": "missing", "points": 0, "message": "No steps to reproduce."}
LOGS_PARTIAL = {"code": "logs", "outcome": "partial", "points": 3, "message": "A screenshot, no logs."}
SUMMARY_PASS = {"code": "summary", "outcome": "pass", "points": 20, "message": "Clear summary."}
SENSITIVE_CLEAR = {"code": "sensitive", "outcome": "clear", "points": 0, "message": "Nothing sensitive."}


def test_it_reads_the_tickets_apps_findings():
    gaps = finding_gaps([STEPS_MISSING, SUMMARY_PASS, LOGS_PARTIAL, SENSITIVE_CLEAR])
    assert [g.code for g in gaps] == ["steps", "logs"]
    assert gaps[0].label == "No steps to reproduce" and "steps that reproduce" in gaps[0].advice


@pytest.mark.parametrize(
    "findings,labels",
    [
        (None, []),
        ("not a list", []),
        ([1, None, ["x"]], []),
        (["Missing logs"], ["Missing logs"]),
        (
            [{"key": "k", "label": "No version", "passed": False}, {"label": "Fine", "passed": True}],
            ["No version"],
        ),
        (
            [{"id": "x", "title": "Call requested", "status": "FAILED"}, {"title": "Ok", "status": "ok"}],
            ["Call requested"],
        ),
        ([{"message": "Something found"}], ["Something found"]),
        ([{"code": "unknown_check", "outcome": "missing", "message": "Explained"}], ["Explained"]),
        ([{"passed": False}], []),  # nothing to call it
    ],
)
def test_it_reads_other_shapes_of_findings_defensively(findings, labels):
    assert [g.label for g in finding_gaps(findings, checks={})] == labels


@pytest.fixture
def busy_account(account, ticket, csm):
    now = timezone.now()
    for n in range(3):
        TicketFactory(
            account=account, subject=f"Recent {n}", zd_created_at=now - dt.timedelta(days=n * 20),
            quality_score=40 + n * 10, quality_findings=[STEPS_MISSING, SUMMARY_PASS],
        )  # fmt: skip
    TicketFactory(account=account, subject="Too old", zd_created_at=now - dt.timedelta(days=120))
    RatingFactory(ticket=ticket, score="bad", comment="Nobody <b>answered</b>.")
    RatingFactory(ticket=ticket, score="good", comment="")
    FeedbackFactory(account=account, ticket=ticket, forwarded_by=csm, summary="Slow first reply")
    return account


def test_it_shows_the_last_90_days_on_one_screen(client, csm, busy_account):
    client.force_login(csm)
    response = client.get(f"/feedback/accounts/{busy_account.pk}/cadence/")
    html = response.content.decode()
    assert "Before the cadence call: Acme Robotics" in html
    assert "Recent 0" in html and "Recent 2" in html and "Too old" not in html
    assert "No steps to reproduce" in html and "Slow first reply" in html
    assert "Nobody &lt;b&gt;answered&lt;/b&gt;." in html
    stats = response.context["stats"]
    assert stats["with_gaps"] == 3 and stats["avg_quality"] == 50
    assert (stats["good"], stats["bad"], stats["satisfaction"], stats["feedback"]) == (1, 1, 50, 1)
    gaps = response.context["gap_summary"]
    assert [(g.gap.label, len(g.tickets)) for g in gaps] == [("No steps to reproduce", 3)]


def test_it_widens_the_period_on_request(client, csm, busy_account):
    client.force_login(csm)
    assert "Too old" in client.get(f"/feedback/accounts/{busy_account.pk}/cadence/?days=180").content.decode()
    assert client.get(f"/feedback/accounts/{busy_account.pk}/cadence/?days=9999").context["days"] == 90


@pytest.mark.parametrize("extra", [0, 15])
def test_it_renders_in_constant_queries(client, csm, busy_account, ticket, extra, django_assert_num_queries):
    for _ in range(extra):
        TicketFactory(account=busy_account, quality_findings=[LOGS_PARTIAL])
        RatingFactory(ticket=ticket, score="bad", comment="Again")
        FeedbackFactory(account=busy_account, ticket=ticket, forwarded_by=csm)
    client.force_login(csm)
    # session, user, roles, account, the open tickets and the tickets' digest, tickets, ratings,
    # feedback items
    with django_assert_num_queries(8):
        client.get(f"/feedback/accounts/{busy_account.pk}/cadence/")
    # The tickets' section is cached (PostgreSQL only): no tickets query.
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 8):
        client.get(f"/feedback/accounts/{busy_account.pk}/cadence/")


def test_it_shows_only_the_feedback_the_viewer_may_open(client, other_csm, busy_account):
    client.force_login(other_csm)
    response = client.get(f"/feedback/accounts/{busy_account.pk}/cadence/")
    assert response.status_code == 200 and response.context["feedback_items"] == []
    assert "Slow first reply" not in response.content.decode()


def test_it_is_printable(client, csm, busy_account):
    client.force_login(csm)
    html = client.get(f"/feedback/accounts/{busy_account.pk}/cadence/").content.decode()
    assert "data-print" in html and 'class="fb-cadence"' in html
    css = (Path(settings.BASE_DIR) / "static/feedback/feedback.css").read_text()
    assert "@media print" in css and ".no-print" in css


def test_it_is_linked_from_the_account_page_panel(client, csm, busy_account):
    from django.test import RequestFactory

    from accounts.panels import panels_for

    request = RequestFactory().get("/")
    request.user = csm
    panel = next(p for p in panels_for(request, busy_account) if p.key == "feedback")
    assert panel.context["items_open"] == 1 and panel.context["satisfaction"] == 50
    assert panel.context["can_forward"] is True
    from django.template.loader import render_to_string

    html = render_to_string(
        panel.template, {"panel": panel.context, "account": busy_account, "request": request}
    )
    assert f"/feedback/accounts/{busy_account.pk}/cadence/" in html and "Forward feedback" in html


def test_it_shows_the_panel_on_the_account_page(client, manager, busy_account):
    client.force_login(manager)
    html = client.get(f"/accounts/{busy_account.pk}/").content.decode()
    assert "Feedback and satisfaction" in html
    assert f'href="/feedback/accounts/{busy_account.pk}/cadence/"' in html
    assert "Forward feedback" not in html  # managers don't forward


def test_it_links_the_tickets_apps_deeper_account_review(client, csm, busy_account):
    from django.urls import NoReverseMatch, reverse

    try:
        review = reverse("tickets:account_review", kwargs={"account_pk": busy_account.pk})
    except NoReverseMatch:
        pytest.skip("the tickets app has no account review page")
    client.force_login(csm)
    html = client.get(f"/feedback/accounts/{busy_account.pk}/cadence/").content.decode()
    assert f'href="{review}"' in html


@pytest.mark.parametrize(
    "findings",
    [
        [dict(STEPS_MISSING, evidence=[{"quote": "a long quote " * 50}]), SUMMARY_PASS, "Missing logs"],
        [1, None, ["x"], dict(LOGS_PARTIAL, evidence=[])],
        {"not": "a list"},
        "not a list",
        [],
    ],
)
@pytest.mark.postgres  # the findings are loaded without their evidence on PostgreSQL only
def test_the_page_reads_the_same_gaps_from_findings_loaded_without_their_evidence(findings):
    """The report loads findings without their evidence (quotes, most of their size): every
    shape finding_gaps reads gives the gaps the full findings give."""
    ticket = TicketFactory(quality_findings=findings)
    [loaded] = cadence_tickets(ticket.account, since=timezone.now() - dt.timedelta(days=90))
    assert ticket_gaps(loaded.findings, known_checks()) == finding_gaps(findings)
    report = cadence_report(ticket.account, days=90, feedback=Feedback.objects.all())
    assert {s.gap for s in report["gap_summary"]} == set(finding_gaps(findings))


def row_of(html: str, text: str) -> str:
    [row] = [row for row in html.split("<tr>") if text in row]
    return row


def test_the_cached_tickets_follow_every_change_a_row_shows(client, csm, busy_account):
    """The tickets' section is cached under a digest of what its rows show: a change to a
    ticket, its findings, its requester or its organization's claim shows at once."""
    url = f"/feedback/accounts/{busy_account.pk}/cadence/"
    client.force_login(csm)
    ticket = busy_account.tickets.get(subject="Recent 0")

    def page() -> str:
        return client.get(url).content.decode()

    written, cached = page(), page()  # the second from the cache, as the first wrote it
    assert row_of(cached, "Recent 0") == row_of(written, "Recent 0") and "<td>Recent 0" in written
    Ticket.objects.filter(pk=ticket.pk).update(subject="Renamed <b>zero</b>")
    assert "Renamed &lt;b&gt;zero&lt;/b&gt;" in page()
    Ticket.objects.filter(pk=ticket.pk).update(quality_findings=[LOGS_PARTIAL], quality_score=61)
    html = page()
    assert "A screenshot, no logs." not in html and CHECKS["logs"].gap in html and ">61<" in html
    SupportUser.objects.filter(pk=ticket.requester_id).update(name="Requester <i>renamed</i>")
    assert "Requester &lt;i&gt;renamed&lt;/i&gt;" in page()
    stranger = OrganizationFactory(account=busy_account, name="Globex Corp")  # claims it, unconfirmed
    Ticket.objects.filter(pk=ticket.pk).update(organization=stranger)
    assert "other organization, not confirmed" in row_of(page(), "Renamed")
    Organization.objects.filter(pk=stranger.pk).update(
        link_confirmed_at=timezone.now(), link_confirmed_sf_id=busy_account.sf_id
    )
    assert "other organization, not confirmed" not in row_of(page(), "Renamed")
    Ticket.objects.filter(pk=ticket.pk).update(status="deleted")
    assert "Renamed" not in page()
