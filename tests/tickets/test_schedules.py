"""Regions find their business hours in Zendesk's schedules (by name, ZENDESK_SCHEDULE_REGIONS);
without one, the portal's built-in hours, and the pages say which were used."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.models import SupportLevel
from tickets.business_hours import WeeklySchedule
from tickets.models import PreferredRegion, Schedule
from tickets.schedules import region_clocks, schedule_regions
from tickets.sla import REGION_HOURS

pytestmark = pytest.mark.django_db
EMEA = PreferredRegion.EMEA


def weekdays(opens: int, closes: int) -> list[list[int]]:
    return [[d * 1440 + opens * 60, d * 1440 + closes * 60] for d in range(1, 6)]


def emea_schedule(**fields) -> Schedule:
    values = {
        "zd_id": 1,
        "name": "EMEA Schedule",
        "time_zone": "London",
        "tz_name": "Europe/London",
        "intervals": weekdays(9, 17),
        "holidays": [],
    }
    values.update(fields)
    return Schedule.objects.create(**values)


def test_the_setting_names_regions_by_label_or_value():
    assert schedule_regions("Americas USA=US hours, europe_middle_east_africa = EU hours") == {
        PreferredRegion.AMER: "US hours",
        EMEA: "EU hours",
    }
    assert schedule_regions("") == {}
    with pytest.raises(ImproperlyConfigured, match="Antarctica=Ice"):
        schedule_regions("Antarctica=Ice")
    with pytest.raises(ImproperlyConfigured):
        schedule_regions("Asia Pacific")


def test_without_schedules_every_region_keeps_the_builtin_hours():
    clocks = region_clocks()
    assert {r: c.hours for r, c in clocks.items()} == dict(REGION_HOURS)
    assert clocks[EMEA].source == "the portal's built-in hours (Zendesk has no schedules)"


def test_a_region_uses_its_zendesk_schedule_by_name():
    emea_schedule(
        name="emea schedule",  # names match whatever the case
        holidays=[{"id": 5, "name": "Boxing Day", "start_date": "2026-12-26", "end_date": "2026-12-28"}],
    )
    clocks = region_clocks()
    emea = clocks[EMEA]
    assert isinstance(emea.hours, WeeklySchedule) and emea.hours.tz_name == "Europe/London"
    assert emea.holidays == ((dt.date(2026, 12, 26), dt.date(2026, 12, 28)),)
    assert emea.source == "business hours from Zendesk schedule \u2018emea schedule\u2019"
    # The other regions: Zendesk has schedules, just not theirs.
    assert clocks[PreferredRegion.APAC].hours == REGION_HOURS[PreferredRegion.APAC]
    assert "Zendesk has no schedule named \u2018APAC Schedule\u2019" in clocks[PreferredRegion.APAC].source


def test_the_setting_decides_which_schedule_a_region_uses(settings):
    emea_schedule(name="London office")
    assert not region_clocks()[EMEA].from_zendesk
    settings.ZENDESK_SCHEDULE_REGIONS = "Europe Middle East Africa=London office"
    assert region_clocks()[EMEA].schedule_name == "London office"


def test_a_schedule_the_portal_cannot_read_is_not_used_and_says_why():
    emea_schedule(time_zone="Atlantis", tz_name="")
    clock = region_clocks()[EMEA]
    assert clock.hours == REGION_HOURS[EMEA]
    assert "time zone \u2018Atlantis\u2019 is not one the portal knows" in clock.source


def test_the_ticket_page_says_the_builtin_hours_were_used(csm_client, make_ticket, world):
    world["mine"].support_level = SupportLevel.PRIORITY
    world["mine"].save()
    ticket = make_ticket(priority="high", preferred_region=EMEA, days_ago=0.01)
    body = csm_client.get(f"/tickets/{ticket.zd_id}/").content.decode()
    assert "Business hours" in body and "Mon-Fri 08:00-18:00 (Europe/London)" in body
    assert "the portal&#x27;s built-in hours (Zendesk has no schedules)" in body


def test_the_ticket_page_names_the_zendesk_schedule(csm_client, make_ticket, world):
    emea_schedule()
    world["mine"].support_level = SupportLevel.PRIORITY
    world["mine"].save()
    ticket = make_ticket(priority="high", preferred_region=EMEA, days_ago=0.01)
    body = csm_client.get(f"/tickets/{ticket.zd_id}/").content.decode()
    assert "Mon-Fri 09:00-17:00 (Europe/London)" in body
    assert "business hours from Zendesk schedule \u2018EMEA Schedule\u2019" in body
    assert "built-in hours" not in body
