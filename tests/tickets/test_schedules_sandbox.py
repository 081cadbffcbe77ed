"""End to end: a schedule in the sandbox (Zendesk) -> the zendesk.schedules sync -> the ticket's
SLA due time (real zenpy session over HTTPS; the sandbox applies no SLA policy here, so the
portal's own clock sets the due time)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Organization, SupportLevel
from integrations.runner import run_stream
from integrations.streams import ORDER
from tickets.models import Schedule, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
EMEA_HOURS = [{"start_time": d * 1440 + 480, "end_time": d * 1440 + 1080} for d in range(1, 6)]  # 08-18


@pytest.fixture
def zendesk(make_sandbox, settings):
    handle = make_sandbox(sla_policies=False)
    for name, value in handle.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""
    return handle


def sync(*streams: str) -> dict:
    names = streams or tuple(spec.name for spec in ORDER)
    return {name: run_stream(name, may_wait=True) for name in names}


def open_ticket(handle, region: str) -> Ticket:
    """A customer of a Priority account opens a high-priority ticket (4 hours to first reply)."""
    org = Organization.objects.exclude(account=None).select_related("account").order_by("zd_id").first()
    if org.account.support_level != SupportLevel.PRIORITY:  # the customer upgrades in Salesforce
        handle.state.sf.update("Account", org.account.sf_id, {"Support_Level__c": "Priority"})
        sync("salesforce.accounts")
    members = handle.state.world.org_members.get(org.zd_id) or [None]
    ticket, _ = handle.state.create_ticket(
        {
            "subject": "Runner stuck",
            "organization_id": org.zd_id,
            "requester_id": members[0],
            "priority": "high",
            "region": region,
        },
        {"body": "Our runner has been stuck since the upgrade."},
        notify=False,
    )
    sync("zendesk.tickets")
    return Ticket.objects.get(zd_id=ticket["id"])


def test_a_zendesk_holiday_moves_the_sla_due_time_past_it(zendesk, client, manager):
    today = dt.datetime.now(LONDON).date()
    last = today + dt.timedelta(days=6)  # a week off, from today: the ticket arrives during it
    zendesk.state.schedules.replace(
        [
            {
                "name": "EMEA Schedule",
                "time_zone": "London",
                "intervals": EMEA_HOURS,
                "holidays": [
                    {"name": "Office closed", "start_date": today.isoformat(), "end_date": last.isoformat()}
                ],
            }
        ]
    )
    sync()
    assert Schedule.objects.get().holidays[0]["end_date"] == last.isoformat()

    ticket = open_ticket(zendesk, "europe_middle_east_africa")
    assert ticket.first_reply_due_at is None  # no Zendesk SLA: the portal's clock decides
    # The first weekday after the holiday, 08:00 London, plus the 4 hours.
    reopen = last + dt.timedelta(days=1)
    while reopen.weekday() >= 5:
        reopen += dt.timedelta(days=1)
    assert ticket.sla_due_at == dt.datetime.combine(reopen, dt.time(12), tzinfo=LONDON)

    # The page says whose hours these are.
    client.force_login(manager)
    body = client.get(f"/tickets/{ticket.zd_id}/").content.decode()
    assert "business hours from Zendesk schedule \u2018EMEA Schedule\u2019" in body
    assert "closed on 1 holiday" in body

    # Zendesk drops the holiday: the next schedules sync re-times the open ticket.
    schedule_id = zendesk.state.schedules.all()[0]["id"]
    holiday_id = zendesk.state.schedules.holidays_of(schedule_id)[0]["id"]
    zendesk.state.schedules.remove_holiday(schedule_id, holiday_id)
    run = sync("zendesk.schedules")["zendesk.schedules"]
    assert (run.created, run.updated, run.deleted) == (0, 1, 0)
    ticket.refresh_from_db()
    assert ticket.sla_due_at < dt.datetime.combine(today + dt.timedelta(days=4), dt.time(0), tzinfo=LONDON)


def test_without_zendesk_schedules_the_builtin_hours_are_used_and_the_page_says_so(zendesk, client, manager):
    sync()
    assert Schedule.objects.count() == 3  # the sandbox's default set, one per region
    zendesk.state.schedules.clear()
    run = sync("zendesk.schedules")["zendesk.schedules"]
    assert run.deleted == 3 and not Schedule.objects.exists()

    ticket = open_ticket(zendesk, "europe_middle_east_africa")
    from tickets.sla import REGION_HOURS

    assert ticket.sla_due_at == REGION_HOURS["europe_middle_east_africa"].add(
        ticket.zd_created_at, dt.timedelta(hours=4)
    )
    client.force_login(manager)
    body = client.get(f"/tickets/{ticket.zd_id}/").content.decode()
    assert "Mon-Fri 08:00-18:00 (Europe/London)" in body
    assert "the portal&#x27;s built-in hours (Zendesk has no schedules)" in body


def test_a_second_run_without_changes_changes_nothing(zendesk):
    first = sync("zendesk.schedules")["zendesk.schedules"]
    again = sync("zendesk.schedules")["zendesk.schedules"]
    assert (first.created, first.fetched) == (3, 3)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    names = set(Schedule.objects.values_list("name", "tz_name"))
    assert names == {
        ("Americas Schedule", "America/Chicago"),
        ("EMEA Schedule", "Europe/London"),
        ("APAC Schedule", "Australia/Sydney"),
    }
