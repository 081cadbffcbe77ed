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


# -- more than one Zendesk instance: a ticket's clock runs on its own instance's schedules ----

TUESDAY_8_LONDON = dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)  # London is on UTC in March


def instance_ticket(world, instance: str):
    """A high-priority EMEA ticket of the CSM's account in `instance`, opened Tuesday 08:00."""
    from tests.factories import OrganizationFactory, SupportUserFactory
    from tests.factories.tickets import ReviewedTicketFactory

    world["mine"].support_level = SupportLevel.PRIORITY  # high priority: first reply within 4 hours
    world["mine"].save()
    org = OrganizationFactory(account=world["mine"], zd_instance=instance)
    person = SupportUserFactory(organization=org, zd_instance=instance)
    return ReviewedTicketFactory(
        requester=person,
        priority="high",
        preferred_region=EMEA,
        zd_created_at=TUESDAY_8_LONDON,
        zd_updated_at=TUESDAY_8_LONDON,
    )


def test_each_instance_ticket_runs_on_its_own_instance_schedule_of_that_name(settings, world, csm_client):
    from tests.instances import USGOV, configure_two_instances

    configure_two_instances(settings)
    emea_schedule(zd_id=1, intervals=weekdays(9, 17))  # the global instance's "EMEA Schedule"
    emea_schedule(zd_id=1, zd_instance=USGOV, intervals=weekdays(12, 20))  # same number and name
    mine, theirs = instance_ticket(world, "global"), instance_ticket(world, USGOV)
    assert mine.sla_due_at == TUESDAY_8_LONDON.replace(hour=13)  # 09:00 + 4 hours
    assert theirs.sla_due_at == TUESDAY_8_LONDON.replace(hour=16)  # 12:00 + 4 hours
    body = csm_client.get(theirs.get_absolute_url()).content.decode()
    assert "Mon-Fri 12:00-20:00 (Europe/London)" in body and "09:00-17:00" not in body


def test_an_instance_without_that_schedule_keeps_the_builtin_hours_not_another_instances(
    settings, world, csm_client
):
    from tests.instances import USGOV, configure_two_instances

    configure_two_instances(settings)
    emea_schedule(intervals=weekdays(9, 17))  # only the global instance has "EMEA Schedule"
    emea_schedule(zd_id=2, zd_instance=USGOV, name="London office", intervals=weekdays(12, 20))
    theirs = instance_ticket(world, USGOV)
    assert theirs.sla_due_at == TUESDAY_8_LONDON.replace(hour=12)  # built-in 08:00-18:00 + 4 hours
    body = csm_client.get(theirs.get_absolute_url()).content.decode()
    assert "the US Government Zendesk has no schedule named \u2018EMEA Schedule\u2019" in body


def test_a_schedule_change_in_one_instance_moves_that_instances_tickets_only(
    settings, world, django_capture_on_commit_callbacks
):
    from integrations.signals import page_synced
    from tests.instances import USGOV, configure_two_instances
    from tickets.models import Ticket

    configure_two_instances(settings)
    for instance in ("global", USGOV):
        emea_schedule(zd_instance=instance, intervals=weekdays(9, 17))
    mine, theirs = instance_ticket(world, "global"), instance_ticket(world, USGOV)
    assert mine.sla_due_at == theirs.sla_due_at == TUESDAY_8_LONDON.replace(hour=13)
    changed = Schedule.objects.get(zd_instance=USGOV)
    changed.intervals = weekdays(10, 18)
    changed.save()
    with django_capture_on_commit_callbacks(execute=True):
        page_synced.send(
            sender=None,
            stream="zendesk.schedules",
            instance=USGOV,
            created=[],
            updated=[changed.pk],
            deleted=[],
        )
    due = dict(Ticket.objects.filter(pk__in=[mine.pk, theirs.pk]).values_list("zd_instance", "sla_due_at"))
    assert due == {"global": TUESDAY_8_LONDON.replace(hour=13), USGOV: TUESDAY_8_LONDON.replace(hour=14)}
