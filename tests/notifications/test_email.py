"""The new-ticket email: what it says, in whose time zone, and exactly which links it carries."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.core import mail

from notifications.rule import notifications_create_for_tickets
from tests.factories import CaseFactory, SupportUserFactory
from tests.instances import GLOBAL_HOST, USGOV, USGOV_HOST, configure_two_instances
from tickets.models import PreferredRegion, Priority

pytestmark = pytest.mark.django_db

OPENED = dt.datetime(2026, 3, 2, 13, 5, tzinfo=dt.UTC)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def html_links(html: str) -> set[str]:
    parser = Links()
    parser.feed(html)
    return set(parser.hrefs)


def text_links(text: str) -> set[str]:
    return set(re.findall(r"https?://\S+", text))


def send_for(ticket, django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        notifications_create_for_tickets(ticket_ids=[ticket.pk], now=now or OPENED + dt.timedelta(seconds=5))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    return message, message.body, message.alternatives[0][0]


@pytest.fixture
def ticket(new_ticket, csm, org, settings):
    settings.ZENDESK_SUBDOMAIN = "acme-support"
    settings.SALESFORCE_WEB_URL = "https://acme.lightning.force.com"
    settings.SITE_URL = "https://portal.example.com"
    csm.time_zone = "Europe/Berlin"
    csm.save()
    requester = SupportUserFactory(name="Dana Requester", email="dana@rockets.example", organization=org)
    return new_ticket(
        zd_id=4711,
        requester=requester,
        subject="Runner cannot reach the registry",
        priority=Priority.HIGH,
        preferred_region=PreferredRegion.EMEA,
        zd_created_at=OPENED,
    )


def test_it_tells_the_csm_everything_the_handbook_email_had_and_more(
    ticket, django_capture_on_commit_callbacks
):
    message, text, html = send_for(ticket, django_capture_on_commit_callbacks)
    assert message.subject == "New ticket #4711 from Acme Rockets: Runner cannot reach the registry"
    for body in (text, html):
        assert "Acme Rockets" in body
        assert "Dana Requester" in body and "dana@rockets.example" in body
        assert "Runner cannot reach the registry" in body
        assert "High" in body
        assert "Europe Middle East Africa" in body
        assert "Mon 2 Mar 2026, 14:05 CET (Europe/Berlin)" in body  # the CSM's time zone
        assert "Mon 2 Mar 2026, 13:05 UTC" in body
    assert message.extra_headers["X-CSM-Portal-Ticket"] == "4711"


def test_its_links_are_exactly_the_agent_page_the_salesforce_case_and_the_portal(
    ticket, django_capture_on_commit_callbacks
):
    case = CaseFactory(ticket=ticket, zd_ticket_id=4711, sf_id="5008d00000AbCdEQAV", case_number="00012345")
    _, text, html = send_for(ticket, django_capture_on_commit_callbacks)
    ticket_links = {
        "https://acme-support.zendesk.com/agent/tickets/4711",
        f"https://acme.lightning.force.com/lightning/r/Case/{case.sf_id}/view",
        f"https://portal.example.com/tickets/{ticket.zd_id}/",
    }
    footer = {
        "https://portal.example.com/notifications/preferences/",
        f"https://portal.example.com/accounts/{ticket.account_id}/",
    }
    assert html_links(html) == ticket_links | footer
    assert text_links(text) == ticket_links | footer
    assert "/api/v2/" not in text + html and ".json" not in text + html
    assert "00012345" in text and "00012345" in html


def test_it_links_the_accounts_cases_while_the_case_is_not_known_yet(
    ticket, django_capture_on_commit_callbacks
):
    _, text, html = send_for(ticket, django_capture_on_commit_callbacks)
    account_cases = (
        f"https://acme.lightning.force.com/lightning/r/Account/{ticket.account.sf_id}/related/Cases/view"
    )
    assert account_cases in html_links(html) and account_cases in text_links(text)
    assert not any("/lightning/r/Case/" in link for link in html_links(html) | text_links(text))
    assert "not known yet" in text and "not known yet" in html


def test_it_derives_lightning_from_a_my_domain_login_when_no_web_url_is_set(
    ticket, settings, django_capture_on_commit_callbacks
):
    settings.SALESFORCE_WEB_URL = ""
    settings.SALESFORCE_LOGIN_URL = "https://acme.my.salesforce.com"
    CaseFactory(ticket=ticket, zd_ticket_id=4711, sf_id="5008d00000AbCdEQAV")
    _, _, html = send_for(ticket, django_capture_on_commit_callbacks)
    assert "https://acme.lightning.force.com/lightning/r/Case/5008d00000AbCdEQAV/view" in html_links(html)


def test_it_escapes_customer_text_in_html_and_keeps_the_subject_on_one_line(
    new_ticket, csm, org, django_capture_on_commit_callbacks
):
    evil = SupportUserFactory(name='<img src=x onerror="alert(1)">', organization=org)
    ticket = new_ticket(
        subject='<script>alert("x")</script>\r\nBcc: victim@example.com', requester=evil, zd_created_at=OPENED
    )
    message, text, html = send_for(ticket, django_capture_on_commit_callbacks)
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    assert "\n" not in message.subject and "\r" not in message.subject
    assert '<script>alert("x")</script>' in text  # plain text is not HTML: shown as written
    message.message()  # builds without a header-injection error


def test_it_shows_one_time_when_the_csm_works_in_utc(ticket, csm, django_capture_on_commit_callbacks):
    csm.time_zone = "UTC"
    csm.save()
    _, text, _ = send_for(ticket, django_capture_on_commit_callbacks)
    assert text.count("13:05") == 1
    assert "Mon 2 Mar 2026, 13:05 UTC\n" in text  # no "(UTC)" repeated after it


def test_it_says_when_the_requester_is_not_synced_yet(new_ticket, csm, django_capture_on_commit_callbacks):
    ticket = new_ticket(zd_created_at=OPENED)
    ticket.requester = None
    ticket.save()
    _, text, html = send_for(ticket, django_capture_on_commit_callbacks)
    assert "Unknown requester" in text and "Unknown requester" in html


def test_it_never_repeats_a_secret_pasted_into_the_subject(ticket, django_capture_on_commit_callbacks):
    token = "glpat-" + "Zx81mQ" * 4
    ticket.subject = f"Push fails with token {token}"
    ticket.save()
    message, text, html = send_for(ticket, django_capture_on_commit_callbacks)
    for part in (message.subject, text, html):
        assert "Push fails with token" in part
        assert token not in part


def test_another_instances_ticket_links_its_own_host_and_no_case_of_the_same_number(
    ticket, django_capture_on_commit_callbacks, settings
):
    configure_two_instances(settings)
    ticket.zd_instance = USGOV
    ticket.save()
    CaseFactory(ticket=None, zd_ticket_id=4711, sf_id="5008d00000AbCdEQAV")  # names the global ticket
    _, text, html = send_for(ticket, django_capture_on_commit_callbacks)
    for body in (text, html):
        assert f"https://{USGOV_HOST}/agent/tickets/4711" in body
        assert "https://portal.example.com/tickets/usgov/4711/" in body
        assert "/lightning/r/Case/" not in body and GLOBAL_HOST not in body
