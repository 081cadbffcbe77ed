"""Querysets built and compiled into SQL once per process, run with each request's values.

Building a queryset with a few subqueries and compiling it costs a page more CPU than running
it (the home page's data-problem columns: about a millisecond each). A query whose shape never
changes is built once with marks in place of the values that do change (the user, a time, a day),
compiled once per database alias and set of instances hidden from the user (a query that
hides a restricted instance's rows has its own SQL: docs/instances.md), and then only run,
with the request's values where the marks were. `values_rows` returns what `.values()` would
(a dict per row, the same names), with the database driver's values (no model field
converters: fine for numbers, text, booleans, dates and times on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet

from .instances import hidden_keys

# Marks: values no request has, each found among the compiled query's parameters.
USER_MARK = 2_147_480_001
TIME_MARKS = tuple(dt.datetime(1901, 2, 3, 4, 5, n, tzinfo=dt.UTC) for n in range(10))
DATE_MARKS = tuple(dt.date(1901, 1, 1) + dt.timedelta(days=n) for n in range(366))  # e.g. a list of weeks

_compiled: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], dict[str, tuple[int, ...]], list[str]]] = {}
_lock = threading.Lock()


def _compile(
    name: str, using: str, user: Any, build: Callable[..., QuerySet], marks: dict[str, Any]
) -> tuple[str, tuple[Any, ...], dict[str, tuple[int, ...]], list[str]]:
    key = (name, using, hidden_keys(user))
    with _lock:
        if key not in _compiled:
            queryset = build(**marks)
            sql, params = queryset.query.get_compiler(using=using).as_sql()
            places = {
                mark_name: tuple(
                    i for i, value in enumerate(params) if type(value) is type(mark) and value == mark
                )
                for mark_name, mark in marks.items()
            }
            missing = [mark_name for mark_name, found in places.items() if not found]
            if missing:  # a value left out of the SQL's parameters would stay as compiled
                raise RuntimeError(f"{name}: no parameter for {', '.join(missing)}")
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            _compiled[key] = (sql, tuple(params), places, names)
        return _compiled[key]


def values_rows(
    name: str,
    user: Any,
    build: Callable[..., QuerySet],
    marks: dict[str, Any],
    values: dict[str, Any],
    using: str = "default",
) -> list[dict[str, Any]]:
    """The rows of `build(**marks)` (a `.values()` queryset of the rows `user` may see) with
    `values[name]` where each mark was; compiled on the first call per `name`, alias and set of
    instances hidden from `user`. On other databases than PostgreSQL (SQLite, `make run`'s
    default: it writes dates into the SQL's parameters as text, and returns them as text) the
    queryset is built with the values and run by the ORM."""
    if connections[using].vendor != "postgresql":
        return list(build(**values).using(using))
    sql, params, places, names = _compile(name, using, user, build, marks)
    run = list(params)
    for mark_name, positions in places.items():
        for i in positions:
            run[i] = values[mark_name]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, run)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def instance_of(model: type[Model], row: dict[str, Any], prefix: str = "", using: str = "default") -> Any:
    """A `model` instance from a `values_rows` row: the columns the row has (each named by its
    attname after `prefix`: "triggered_by__" for a related row's), the others deferred (read
    from the database if something touches them), as `.only()` would give."""
    names = [f.attname for f in model._meta.concrete_fields if prefix + f.attname in row]
    return model.from_db(using, names, [row[prefix + name] for name in names])
