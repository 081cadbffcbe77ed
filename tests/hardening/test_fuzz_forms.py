"""Every form POST and every list filter of the portal, fuzzed with hypothesis: never a 500.

Values are drawn from arbitrary text (control characters and NUL included), the hostile
corpus, numbers that overflow a bigint, negative and malformed ids and dates. Each example
runs as the persona allowed to post there, in a transaction that is rolled back. The Django
test client re-raises a view's exception, so a server error fails with its traceback and
hypothesis prints the smallest input that caused it.

Examples per route: HARDENING_FUZZ_EXAMPLES (default 12; derandomized, so CI is stable;
raise it and set HARDENING_FUZZ_RANDOM=1 to explore).
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.matrix import EXPECTED, PERSONA_COLUMNS, post_data
from tests.hardening.payloads import CORPUS
from tests.hardening.routes import all_routes, concrete_path, is_admin_route
from tests.hardening.test_csrf import POST_ROUTES, _posting_persona
from tests.hardening.world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HARDENING_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("HARDENING_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Query parameters the list pages understand (one FilterSet each), plus paging and sorting.
LIST_PARAMS = [
    "q",
    "page",
    "sort",
    "order",
    "csm",
    "account",
    "status",
    "priority",
    "region",
    "sla",
    "gap",
    "opened_after",
    "opened_before",
    "created_after",
    "created_before",
    "plan",
    "onboarding",
    "problem",
    "renewal",
    "sentiment",
    "manager",
    "due",
    "score",
    "period",
    "kind",
    "claimed",
    "state",
    "days",
    "weeks",
    "url",
    "ticket",
    "stream",
    "week",
    "include_offered",
    # dates
    "from",
    "to",
    "since",
    "until",
    "date",
    "week_start",
    "opened_min",
    "opened_max",
]

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    # "²" and "①" pass str.isdigit() but not int(); "१२३" passes both.
    st.sampled_from(["0", "-1", "9223372036854775808", "1e309", "NaN", "0x10", "१२३", " 7 ", "²", "①"]),
)
# Dates a calendar accepts but arithmetic on them overflows (a week after 9999-12-31, the day
# before 0001-01-01, either end moved into another time zone), or that have five-digit years.
EDGE_DATES = [
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59",
    "0001-01-01 00:00",
    "10000-01-01",
    "9999-12-27",
]
dates = st.sampled_from(["2026-02-30", "0000-00-00", "2026-13-01", "yesterday", "1/2/3", *EDGE_DATES])
values = st.one_of(
    st.text(max_size=200),
    st.sampled_from(CORPUS),
    numbers,
    dates,
    st.just(""),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
)


def _form(known: list[str]):
    keys = st.sampled_from(known) if known else st.nothing()
    return st.dictionaries(st.one_of(keys, st.sampled_from(LIST_PARAMS)), values, max_size=8)


def _client(world, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize("route", POST_ROUTES)
def test_no_form_post_is_a_server_error(route):
    world = build_world()
    persona = _posting_persona(route)
    path = concrete_path(route, world)
    valid = post_data(route, world)
    client = _client(world, persona)

    @FUZZ
    @given(changes=_form(list(valid)), htmx=st.booleans())
    def check(changes, htmx):
        data = {**valid, **changes}
        with transaction.atomic():
            headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = client.post(path, data, **headers)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"POST {path} {data!r}: {response.status_code}"

    check()


def _get_persona(route: str) -> str | None:
    for persona, expected in zip(PERSONA_COLUMNS, EXPECTED[route][0].split(), strict=True):
        if expected == "ok" and persona != "anonymous":
            return persona
    return None


GET_ROUTES = sorted(
    route
    for route, _ in all_routes()
    if not is_admin_route(route)
    and route in EXPECTED
    and _get_persona(route)
    and not route.startswith(("auth/", "admin/"))
)


@pytest.mark.parametrize("route", GET_ROUTES)
def test_no_query_string_is_a_server_error(route):
    world = build_world()
    path = concrete_path(route, world)
    client = _client(world, _get_persona(route))

    @FUZZ
    @given(params=_form([]), htmx=st.booleans())
    def check(params, htmx):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.get(path, params, **headers)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)  # a CSV export fails while it streams
        assert response.status_code < 500, f"GET {path} {params!r}: {response.status_code}"

    check()


@pytest.mark.parametrize("route", GET_ROUTES)
def test_a_digit_that_int_cannot_read_is_never_a_server_error(route):
    """Every parameter of every page, given "²" (a digit to str.isdigit(), not to int())."""
    world = build_world()
    path = concrete_path(route, world)
    client = _client(world, _get_persona(route))
    for name in LIST_PARAMS:
        response = client.get(path, {name: "²"})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        assert response.status_code < 500, f"GET {path}?{name}=²: {response.status_code}"


# Each edge date, seen from the time zone that pushes it past the calendar's end.
EDGE_DATES_IN_ZONES = [
    ("9999-12-31", "Pacific/Pago_Pago"),  # UTC-11: the end of that day is in year 10000 in UTC
    ("0001-01-01", "Pacific/Kiritimati"),  # UTC+14: its start is in year 0 in UTC
    ("10000-01-01", "UTC"),
]


@pytest.mark.parametrize("route", GET_ROUTES)
def test_an_out_of_range_date_is_never_a_server_error(route):
    """Every parameter of every page, given each edge date (a 400 or a form error is fine)."""
    world = build_world()
    path = concrete_path(route, world)
    persona = _get_persona(route)
    user = world.users[persona]
    client = _client(world, persona)
    for value, zone in EDGE_DATES_IN_ZONES:
        user.time_zone = zone
        user.save(update_fields=["time_zone"])
        for name in LIST_PARAMS:
            response = client.get(path, {name: value})
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            assert response.status_code < 500, f"GET {path}?{name}={value} ({zone}): {response.status_code}"


@pytest.mark.parametrize("route", POST_ROUTES)
def test_an_out_of_range_date_in_a_form_is_never_a_server_error(route):
    """Every form field that takes a date (and every list parameter), given each edge date."""
    world = build_world()
    persona = _posting_persona(route)
    path = concrete_path(route, world)
    valid = post_data(route, world)
    client = _client(world, persona)
    names = [k for k, v in valid.items() if isinstance(v, str) and v[:4].isdecimal() and v[4:5] == "-"]
    for name in names or ["from"]:
        for value in EDGE_DATES:
            with transaction.atomic():
                response = client.post(path, {**valid, name: value})
                transaction.set_rollback(True)
            assert response.status_code < 500, f"POST {path} {name}={value}: {response.status_code}"
