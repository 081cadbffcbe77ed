"""The sandbox's Schedules API: Zendesk's documented shapes, the demo's default set, and the
ways tests change schedules (state.schedules and POST /_sandbox/schedules)."""

import pytest

from sandbox.schedules import ScheduleError

BASE = "/api/v2/business_hours/schedules"


def test_it_lists_one_schedule_per_region_with_holidays(zd, sandbox):
    schedules = zd.get(f"{sandbox.url}{BASE}.json").json()["schedules"]
    assert [s["name"] for s in schedules] == ["Americas Schedule", "EMEA Schedule", "APAC Schedule"]
    emea = schedules[1]
    assert set(emea) == {"id", "name", "time_zone", "intervals", "created_at", "updated_at"}
    assert emea["time_zone"] == "London"
    # Monday to Friday 08:00-18:00, in minutes from Sunday 00:00.
    assert emea["intervals"][0] == {"start_time": 1440 + 480, "end_time": 1440 + 1080}
    assert len(emea["intervals"]) == 5
    assert zd.get(f"{sandbox.url}{BASE}/{emea['id']}.json").json() == {"schedule": emea}
    holidays = zd.get(f"{sandbox.url}{BASE}/{emea['id']}/holidays.json").json()["holidays"]
    assert {"Christmas Day", "Boxing Day"} <= {h["name"] for h in holidays}
    first = holidays[0]
    assert set(first) == {"id", "name", "start_date", "end_date"}
    one = zd.get(f"{sandbox.url}{BASE}/{emea['id']}/holidays/{first['id']}.json").json()
    assert one == {"holiday": first}


def test_unknown_schedules_and_holidays_are_not_found(zd, sandbox):
    for path in (f"{BASE}/1.json", f"{BASE}/1/holidays.json", f"{BASE}/1/holidays/2.json"):
        response = zd.get(f"{sandbox.url}{path}")
        assert response.status_code == 404 and response.json()["error"] == "RecordNotFound"


def test_tests_change_schedules_through_the_state(zd, sandbox):
    store = sandbox.state.schedules
    store.clear()
    assert zd.get(f"{sandbox.url}{BASE}.json").json()["schedules"] == []
    created = store.create("Night shift", "UTC", [(1440 + 1200, 2 * 1440)])
    holiday = store.add_holiday(created["id"], "Closure", "2026-12-24", "2026-12-27")
    store.update(created["id"], name="Late shift")
    listed = zd.get(f"{sandbox.url}{BASE}.json").json()["schedules"]
    assert [(s["name"], s["intervals"]) for s in listed] == [
        ("Late shift", [{"start_time": 2640, "end_time": 2880}])
    ]
    assert store.holidays_of(created["id"]) == [holiday]
    store.remove_holiday(created["id"], holiday["id"])
    assert store.holidays_of(created["id"]) == []
    with pytest.raises(ScheduleError):
        store.create("Overnight", "UTC", [(1400, 1500)])  # spans midnight: Zendesk refuses it


def test_the_control_endpoint_replaces_the_schedules_all_or_nothing(zd, sandbox):
    url = f"{sandbox.url}/_sandbox/schedules"
    bad = zd.post(
        url, json={"schedules": [{"name": "A", "time_zone": "UTC", "intervals": [[0, 60]]}, {"name": ""}]}
    )
    assert bad.status_code == 422 and "name" in bad.json()["details"]
    assert len(zd.get(f"{sandbox.url}{BASE}.json").json()["schedules"]) == 3  # untouched
    good = zd.post(
        url,
        json={
            "schedules": [
                {
                    "name": "EMEA Schedule",
                    "time_zone": "London",
                    "intervals": [{"start_time": 1440 + 540, "end_time": 1440 + 1020}],
                    "holidays": [{"name": "Bank holiday", "start_date": "2026-05-04"}],
                }
            ]
        },
    )
    assert good.status_code == 201
    (schedule,) = good.json()["schedules"]
    assert schedule["holidays"][0]["end_date"] == "2026-05-04"
    assert zd.get(url).json()["schedules"] == [schedule]
    assert zd.post(url, json={"schedules": []}).json() == {"schedules": []}
    assert sandbox.session().get(url).status_code == 401  # control endpoints need the credentials
