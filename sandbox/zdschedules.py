"""Zendesk's Schedules API, read side, as Zendesk documents it:

GET /api/v2/business_hours/schedules.json                    {"schedules": [...]} (no paging)
GET /api/v2/business_hours/schedules/{id}.json               {"schedule": {...}}
GET /api/v2/business_hours/schedules/{id}/holidays.json      {"holidays": [...]}
GET /api/v2/business_hours/schedules/{id}/holidays/{hid}.json {"holiday": {...}}

Unknown ids answer 404 ``RecordNotFound``. Writes go through ``state.schedules`` or the
control endpoint ``POST /_sandbox/schedules`` (see sandbox/schedules.py).
"""

from __future__ import annotations

from .schedules import ScheduleError
from .state import State
from .web import Request, Response, Router, json_response
from .zdcommon import NOT_FOUND, invalid, url


def register(router: Router, state: State) -> None:
    def add(method: str, path: str, handler) -> None:
        router.add(method, r"/api/v2/" + path + r"(?:\.json)?", lambda req, **kw: handler(req, state, **kw))

    add("GET", r"business_hours/schedules", list_schedules)
    add("GET", r"business_hours/schedules/(?P<schedule_id>\d+)", show_schedule)
    add("GET", r"business_hours/schedules/(?P<schedule_id>\d+)/holidays", list_holidays)
    add("GET", r"business_hours/schedules/(?P<schedule_id>\d+)/holidays/(?P<holiday_id>\d+)", show_holiday)


def list_schedules(req: Request, state: State) -> Response:
    return json_response(
        {"schedules": state.schedules.all(), "url": url(req, "/api/v2/business_hours/schedules.json")}
    )


def show_schedule(req: Request, state: State, schedule_id: str) -> Response:
    schedule = state.schedules.get(int(schedule_id))
    return json_response({"schedule": schedule}) if schedule else json_response(NOT_FOUND, 404)


def list_holidays(req: Request, state: State, schedule_id: str) -> Response:
    holidays = state.schedules.holidays_of(int(schedule_id))
    return json_response({"holidays": holidays}) if holidays is not None else json_response(NOT_FOUND, 404)


def show_holiday(req: Request, state: State, schedule_id: str, holiday_id: str) -> Response:
    holiday = state.schedules.holiday(int(schedule_id), int(holiday_id))
    return json_response({"holiday": holiday}) if holiday else json_response(NOT_FOUND, 404)


def control(router: Router, state: State) -> None:
    """POST /_sandbox/schedules {"schedules": [{name, time_zone, intervals, holidays}]}: the
    account's schedules replaced ([] = none); GET the same path lists them with holidays."""

    def replace(req: Request) -> Response:
        try:
            data = req.json()
            specs = data.get("schedules") if isinstance(data, dict) else None
            if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
                return invalid("schedules must be a list of objects", "schedules")
            created = state.schedules.replace(specs)
        except ScheduleError as exc:
            return invalid(str(exc), exc.field)
        except (ValueError, TypeError) as exc:
            return invalid(str(exc))
        return json_response({"schedules": _with_holidays(state, created)}, 201)

    def listing(req: Request) -> Response:
        return json_response({"schedules": _with_holidays(state, state.schedules.all())})

    router.add("POST", r"/_sandbox/schedules", replace)
    router.add("GET", r"/_sandbox/schedules", listing)


def _with_holidays(state: State, schedules: list[dict]) -> list[dict]:
    return [{**s, "holidays": state.schedules.holidays_of(s["id"]) or []} for s in schedules]
