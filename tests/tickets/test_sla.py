"""The first-reply SLA: policy per plan and priority, region clocks, states, and the explanation."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from accounts.models import SupportLevel
from tickets import sla
from tickets.models import PreferredRegion, SlaState, Status, Ticket
from tickets.schedules import builtin_clocks
from tickets.sla import policy_for, state_at

UTC = dt.UTC
TUESDAY_9_UTC = dt.datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
BUILTIN = builtin_clocks()  # no Zendesk schedules: the portal's own regional hours


@pytest.mark.parametrize(
    "priority,target",
    [
        ("urgent", dt.timedelta(minutes=30)),
        ("high", dt.timedelta(hours=4)),
        ("normal", dt.timedelta(hours=8)),
        ("low", dt.timedelta(hours=24)),
    ],
)
def test_it_applies_the_priority_plans_targets(priority, target):
    policy = policy_for(plan=SupportLevel.PRIORITY, priority=priority, preferred_region=PreferredRegion.ALL)
    assert policy.target == target
    assert policy.hours is None  # All Regions: around the clock
    assert policy.due_at(TUESDAY_9_UTC) == TUESDAY_9_UTC + target


@pytest.mark.parametrize("priority", ["urgent", "high", "normal", "low"])
def test_it_gives_standard_support_24_hours_whatever_the_priority(priority):
    policy = policy_for(plan=SupportLevel.STANDARD, priority=priority, preferred_region="")
    assert policy.target == dt.timedelta(hours=24)


@pytest.mark.parametrize("plan", [SupportLevel.BASIC, ""])
def test_it_has_no_sla_for_basic_or_unknown_plans(plan):
    policy = policy_for(plan=plan, priority="urgent", preferred_region="")
    assert policy.target is None and policy.due_at(TUESDAY_9_UTC) is None
    assert "no first-reply SLA" in policy.reasons[0]


def test_it_has_no_target_without_a_priority():
    policy = policy_for(plan=SupportLevel.PRIORITY, priority="", preferred_region="")
    assert policy.target is None
    assert "no priority" in policy.reasons[0]


def test_a_region_limits_the_clock_to_that_regions_business_hours():
    # Friday 17:00 London, normal priority (8 h): 1 h on Friday, 7 h on Monday from 08:00.
    opened = dt.datetime(2025, 3, 7, 17, 0, tzinfo=ZoneInfo("Europe/London"))
    policy = policy_for(plan=SupportLevel.PRIORITY, priority="normal", preferred_region=PreferredRegion.EMEA)
    assert policy.due_at(opened) == dt.datetime(2025, 3, 10, 15, 0, tzinfo=ZoneInfo("Europe/London"))
    all_regions = policy_for(
        plan=SupportLevel.PRIORITY, priority="normal", preferred_region=PreferredRegion.ALL
    )
    assert all_regions.due_at(opened) == opened + dt.timedelta(hours=8)
    assert any("Europe Middle East Africa" in r and "business hours" in r for r in policy.reasons)


def test_an_urgent_ticket_in_a_region_waits_for_the_regions_morning():
    opened = dt.datetime(2025, 3, 4, 23, 0, tzinfo=ZoneInfo("America/Chicago"))
    policy = policy_for(plan=SupportLevel.PRIORITY, priority="urgent", preferred_region=PreferredRegion.AMER)
    assert policy.due_at(opened) == dt.datetime(2025, 3, 5, 7, 30, tzinfo=ZoneInfo("America/Chicago"))


def test_the_plan_comes_from_the_account_then_the_organizations_field():
    account = SimpleNamespace(support_level=SupportLevel.STANDARD)
    org = SimpleNamespace(support_level="Priority Support")
    assert sla.plan_of(account, org) == SupportLevel.STANDARD
    assert sla.plan_of(SimpleNamespace(support_level=""), org) == SupportLevel.PRIORITY
    assert sla.plan_of(None, None) == ""


NOW = dt.datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
DUE = dt.datetime(2025, 3, 4, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "due,replied,status,now,expected",
    [
        (None, None, Status.OPEN, NOW, SlaState.NONE),
        (DUE, None, Status.OPEN, NOW, SlaState.DUE),
        (DUE, None, Status.NEW, DUE + dt.timedelta(seconds=1), SlaState.BREACHED),
        (DUE, DUE - dt.timedelta(minutes=5), Status.OPEN, NOW + dt.timedelta(days=3), SlaState.MET),
        (DUE, DUE, Status.PENDING, NOW, SlaState.MET),
        (DUE, DUE + dt.timedelta(minutes=1), Status.SOLVED, NOW, SlaState.BREACHED),
        (DUE, None, Status.SOLVED, NOW + dt.timedelta(days=1), SlaState.NONE),
    ],
)
def test_it_says_where_the_sla_stands(due, replied, status, now, expected):
    assert state_at(due_at=due, replied_at=replied, status=status, now=now) == expected


@pytest.mark.parametrize(
    "due,replied", [(None, None), (DUE, DUE + dt.timedelta(hours=1)), (NOW - dt.timedelta(hours=1), None)]
)
def test_zendesk_saying_the_target_was_achieved_settles_it(due, replied):
    state = state_at(due_at=due, replied_at=replied, status=Status.OPEN, now=NOW, zendesk_state=SlaState.MET)
    assert state == SlaState.MET


@pytest.mark.django_db
@pytest.mark.parametrize("state", [SlaState.DUE, SlaState.BREACHED, SlaState.MET, SlaState.NONE])
def test_the_database_filter_agrees_with_the_python_state(state):
    from tests.factories import TicketFactory

    cases = [
        (None, None, Status.OPEN),
        (DUE, None, Status.OPEN),
        (NOW - dt.timedelta(hours=1), None, Status.OPEN),
        (DUE, DUE - dt.timedelta(minutes=1), Status.PENDING),
        (DUE, DUE + dt.timedelta(minutes=1), Status.SOLVED),
        (DUE, None, Status.SOLVED),
    ]
    tickets = [TicketFactory(sla_due_at=d, sla_replied_at=r, status=s) for d, r, s in cases]
    tickets += [
        TicketFactory(sla_due_at=d, sla_replied_at=r, status=s, sla_state=SlaState.MET) for d, r, s in cases
    ]
    expected = {
        t.pk
        for t in tickets
        if state_at(
            due_at=t.sla_due_at,
            replied_at=t.sla_replied_at,
            status=t.status,
            now=NOW,
            zendesk_state=t.sla_state,
        )
        == state
    }
    found = set(Ticket.objects.filter(sla.state_q(state, NOW)).values_list("pk", flat=True))
    assert found == expected and found


def _ticket(**overrides):
    values = {
        "zd_created_at": TUESDAY_9_UTC,
        "priority": "high",
        "preferred_region": PreferredRegion.ALL,
        "status": Status.OPEN,
        "sla_policy": "",
        "sla_state": "",
        "first_reply_due_at": None,
        "first_reply_at": None,
        "sla_due_at": None,
        "sla_replied_at": None,
        "account": SimpleNamespace(support_level=SupportLevel.PRIORITY),
        "organization": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_it_explains_the_policy_and_time_left_when_zendesk_has_no_sla():
    view = sla.explain(_ticket(), TUESDAY_9_UTC + dt.timedelta(hours=1), BUILTIN)
    assert view.source == "portal"
    assert view.due_at == TUESDAY_9_UTC + dt.timedelta(hours=4)
    assert view.state == SlaState.DUE
    text = " ".join(view.lines)
    assert "Priority support, high priority: first reply within 4 hours." in text
    assert "around the clock" in text
    assert "3 hours of SLA time left" in text


def test_it_shows_zendesks_due_time_when_zendesk_has_one():
    zendesk_due = TUESDAY_9_UTC + dt.timedelta(hours=3)
    view = sla.explain(
        _ticket(first_reply_due_at=zendesk_due, sla_policy="Priority SLA"), TUESDAY_9_UTC, BUILTIN
    )
    assert view.source == "zendesk" and view.due_at == zendesk_due
    assert view.portal_due_at == TUESDAY_9_UTC + dt.timedelta(hours=4)
    assert any("Priority SLA" in line for line in view.lines)


def test_it_trusts_zendesk_saying_the_first_reply_target_was_achieved():
    view = sla.explain(_ticket(sla_state=SlaState.MET), TUESDAY_9_UTC + dt.timedelta(hours=9), BUILTIN)
    assert view.state == SlaState.MET
    assert any("Zendesk reports the first-reply target as achieved" in line for line in view.lines)
    assert not any("No reply yet" in line for line in view.lines)


def test_it_explains_a_late_reply_and_a_breach():
    late = sla.explain(_ticket(sla_replied_at=TUESDAY_9_UTC + dt.timedelta(hours=5)), TUESDAY_9_UTC, BUILTIN)
    assert late.state == SlaState.BREACHED
    assert any("late by 1 hour" in line for line in late.lines)
    overdue = sla.explain(_ticket(), TUESDAY_9_UTC + dt.timedelta(hours=6), BUILTIN)
    assert overdue.state == SlaState.BREACHED
    assert any("breached 2 hours ago" in line for line in overdue.lines)


def test_it_counts_time_left_in_business_hours_for_a_region():
    # EMEA, normal (8 h), opened Friday 17:00 London: due Monday 15:00. On Saturday, 7 h are left.
    opened = dt.datetime(2025, 3, 7, 17, 0, tzinfo=ZoneInfo("Europe/London"))
    ticket = _ticket(zd_created_at=opened, priority="normal", preferred_region=PreferredRegion.EMEA)
    view = sla.explain(ticket, dt.datetime(2025, 3, 8, 12, 0, tzinfo=ZoneInfo("Europe/London")), BUILTIN)
    assert any("7 hours of SLA time left" in line for line in view.lines)


@pytest.mark.parametrize(
    "minutes,text",
    [
        (0, "less than a minute"),
        (30, "30 minutes"),
        (240, "4 hours"),
        (1440, "24 hours"),
        (125, "2 hours 5 minutes"),
        (4 * 1440 + 60, "4 days 1 hour"),
    ],
)
def test_it_formats_durations_for_people(minutes, text):
    assert sla.format_duration(dt.timedelta(minutes=minutes)) == text
