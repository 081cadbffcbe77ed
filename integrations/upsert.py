# ruff: noqa: S608 - SQL text is built from quoted table/column names only; values are parameters.
"""Bulk upserts of mirror rows: one statement per page, newer versions only.

``INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE <the incoming version is newer, or the
same version with different values>``, so

- an older version never overwrites a newer one (``generated_timestamp``, ``SystemModstamp``),
- writing the same page twice changes nothing (and reports nothing as changed),
- the rows that did change come back (``RETURNING``), told apart as inserted or updated
  (PostgreSQL: ``xmax = 0`` on a freshly inserted row; SQLite: the keys present before).

Only the source's columns are written. Columns the portal owns (resolved links, scores,
first-seen time ...) get their model default on insert and are never touched on update.
PostgreSQL takes each column as one array (``unnest``): a 1000-row page is a single
round trip with 20-odd parameters. Over-long text is cut to the column's length by the
``varchar(n)`` cast instead of failing the page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.utils import timezone

from csmportal.instances import GLOBAL

from .sql import execute

INSTANCE = "zd_instance"  # the column of Zendesk-keyed models naming their instance


@dataclass(frozen=True, slots=True)
class Written:
    pk: int
    key: Any
    inserted: bool
    extra: tuple[Any, ...] = ()


@dataclass(frozen=True)
class _Plan:
    table: str
    pk: str
    record_columns: tuple[str, ...]
    default_columns: tuple[str, ...]  # portal-owned: model default on insert, untouched on update
    now_on_insert: tuple[str, ...]  # auto_now_add
    now_always: tuple[str, ...]  # auto_now
    json_columns: frozenset[str]
    db_types: dict[str, str]


@cache
def _plan(model: type[models.Model], record_columns: tuple[str, ...]) -> _Plan:
    concrete = {str(f.column): f for f in model._meta.concrete_fields}
    missing = [c for c in record_columns if c not in concrete]
    if missing:
        raise ValueError(f"{model.__name__} has no columns {missing}")
    pk = str(model._meta.pk.column)  # type: ignore[union-attr]
    now_on_insert: list[str] = []
    now_always: list[str] = []
    defaults: list[str] = []
    for column, f in concrete.items():
        if column == pk or column in record_columns:
            continue
        if getattr(f, "auto_now", False):
            now_always.append(column)
        elif getattr(f, "auto_now_add", False):
            now_on_insert.append(column)
        else:
            defaults.append(column)
    return _Plan(
        table=model._meta.db_table,
        pk=pk,
        record_columns=record_columns,
        default_columns=tuple(defaults),
        now_on_insert=tuple(now_on_insert),
        now_always=tuple(now_always),
        json_columns=frozenset(c for c, f in concrete.items() if isinstance(f, models.JSONField)),
        db_types={c: f.db_type(connection) or "text" for c, f in concrete.items()},
    )


def _default(model: type[models.Model], column: str) -> Any:
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{model.__name__}.{field.name} has no default: the sync cannot insert rows")


def dedupe(records: Sequence[Any], key: str, version: str | None) -> list[Any]:
    """One record per key (a statement may not update a row twice): the newest version wins,
    and of equal versions the one that came last."""
    best: dict[Any, Any] = {}
    get_key = attrgetter(key)
    get_version = attrgetter(version) if version else None
    for record in records:
        k = get_key(record)
        current = best.get(k)
        if current is None or get_version is None:
            best[k] = record
            continue
        new_v, old_v = get_version(record), get_version(current)
        if old_v is None or (new_v is not None and new_v >= old_v):
            best[k] = record
    return list(best.values())


def upsert(
    model: type[models.Model],
    records: Sequence[Any],
    *,
    key: str,
    version: str | None,
    returning: Sequence[str] = (),
    links: Sequence[Any] = (),
    instance: str = GLOBAL,
) -> list[Written]:
    """Write ``records`` (dataclasses named like the model's columns); return the rows changed.

    A Zendesk-keyed model (one with ``zd_instance``) is written for one ``instance``: the key
    is unique per instance, so the rows of another instance with the same numbers are other rows.

    ``links`` (``integrations.links.Link`` of this model) are resolved for the rows written: on
    PostgreSQL inside the same statement, so a new row is written once, already linked (an
    UPDATE of indexed link columns afterwards would write every index entry a second time).
    """
    if not records:
        return []
    records = dedupe(records, key, version)
    columns = tuple(f.name for f in fields(records[0]))
    plan = _plan(model, columns)
    scope = instance if INSTANCE in plan.default_columns else None
    if _use_postgresql():
        return _upsert_postgresql(model, plan, records, key, version, tuple(returning), tuple(links), scope)
    written = _upsert_generic(model, plan, records, key, version, tuple(returning), scope)
    if links and written:
        from .links import link_rows_all

        link_rows_all(list(links), [w.pk for w in written])
    return written


def _has_instance(model: type[models.Model]) -> bool:
    return any(f.column == INSTANCE for f in model._meta.concrete_fields)


def _use_postgresql() -> bool:
    """PostgreSQL's statement (unnest arrays, xmax); the generic one (SQLite) otherwise."""
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _update_clause(
    plan: _Plan, key: str, version: str | None, target: str, derived: Sequence[str] = ()
) -> tuple[str, str]:
    compared = [c for c in plan.record_columns if c != key] + list(derived)
    sets = [f"{_q(c)} = EXCLUDED.{_q(c)}" for c in compared + list(plan.now_always)]
    mine = ", ".join(f"{target}.{_q(c)}" for c in compared)
    theirs = ", ".join(f"EXCLUDED.{_q(c)}" for c in compared)
    differs = (
        f"({mine}) IS DISTINCT FROM ({theirs})" if len(compared) > 1 else f"{mine} IS DISTINCT FROM {theirs}"
    )
    if version is None:
        return ", ".join(sets), differs
    v_mine, v_theirs = f"{target}.{_q(version)}", f"EXCLUDED.{_q(version)}"
    where = (
        f"{v_mine} IS NULL OR ({v_theirs} IS NOT NULL AND {v_theirs} > {v_mine})"
        f" OR ({v_theirs} IS NOT DISTINCT FROM {v_mine} AND {differs})"
    )
    return ", ".join(sets), where


def _upsert_postgresql(
    model: type[models.Model],
    plan: _Plan,
    records: Sequence[Any],
    key: str,
    version: str | None,
    returning: tuple,
    links: tuple = (),
    scope: str | None = None,
) -> list[Written]:
    now = timezone.now()
    rows = list(map(attrgetter(*plan.record_columns), records))
    arrays = [list(col) for col in zip(*rows, strict=True)]
    params: list[Any] = []
    selects = []
    for index, column in enumerate(plan.record_columns):
        values = arrays[index]
        if column in plan.json_columns:
            values = [json.dumps(v) if v is not None else None for v in values]
        params.append(values)
        selects.append(f"u.c{index}")
    unnest = ", ".join(f"%b::{plan.db_types[c]}[]" for c in plan.record_columns)
    aliases = ", ".join(f"c{i}" for i in range(len(plan.record_columns)))
    derived = [link.fk for link in links]
    for link in links:
        src = plan.record_columns.index(link.src)
        parent = _q(link.parent._meta.db_table)
        same_instance = ""
        if _has_instance(link.parent):  # a parent of the same instance (the global one's for a Case)
            same_instance = f" AND p.{_q(INSTANCE)} = %s"
            params.append(scope or GLOBAL)
        match = f"p.{_q(link.parent_key)} = u.c{src}{same_instance}"
        selects.append(f"(SELECT p.{_q(link.value)} FROM {parent} AS p WHERE {match})")
    constants: list[str] = []
    for column in plan.default_columns:
        if column in derived:
            continue
        value = scope if column == INSTANCE else _default(model, column)
        if column in plan.json_columns:
            value = json.dumps(value)
        selects.append(f"%s::{plan.db_types[column]}")
        constants.append(column)
        params.append(value)
    for column in plan.now_on_insert + plan.now_always:
        selects.append("%s")
        constants.append(column)
        params.append(now)
    insert_columns = ", ".join(_q(c) for c in (*plan.record_columns, *derived, *constants))
    sets, where = _update_clause(plan, key, version, "t", derived)
    target = f"{_q(key)}, {_q(INSTANCE)}" if scope else _q(key)
    extra = "".join(f", t.{_q(c)}" for c in returning)
    sql = (
        f"INSERT INTO {_q(plan.table)} AS t ({insert_columns}) "
        f"SELECT {', '.join(selects)} FROM unnest({unnest}) AS u({aliases}) "
        f"ON CONFLICT ({target}) DO UPDATE SET {sets} WHERE {where} "
        f"RETURNING t.{_q(plan.pk)}, t.{_q(key)}, (t.xmax = 0){extra}"
    )
    # Constants come after the unnest arrays in the SELECT list but before them in the text.
    ordered = params[len(plan.record_columns) :] + params[: len(plan.record_columns)]
    return [Written(row[0], row[1], bool(row[2]), tuple(row[3:])) for row in execute(sql, ordered)]


def _upsert_generic(
    model: type[models.Model],
    plan: _Plan,
    records: Sequence[Any],
    key: str,
    version: str | None,
    returning: tuple,
    scope: str | None = None,
) -> list[Written]:
    """SQLite (the demo): multi-row VALUES in chunks; inserted = keys absent before."""
    now = timezone.now()
    by_column = {str(f.column): f for f in model._meta.concrete_fields}
    constants = [(c, scope if c == INSTANCE else _default(model, c)) for c in plan.default_columns]
    constants += [(c, now) for c in plan.now_on_insert + plan.now_always]
    columns = (*plan.record_columns, *(c for c, _ in constants))
    prep = [by_column[c] for c in columns]
    # PostgreSQL's varchar(n) cast cuts over-long text; SQLite keeps anything, so cut it here.
    limits = [
        (i, f.max_length)
        for i, f in enumerate(prep)
        if isinstance(f, models.CharField) and f.max_length and columns[i] in plan.record_columns
    ]
    get = attrgetter(*plan.record_columns)
    sets, where = _update_clause(plan, key, version, _q(plan.table))
    target = f"{_q(key)}, {_q(INSTANCE)}" if scope else _q(key)
    in_scope = f" AND {_q(INSTANCE)} = %s" if scope else ""
    extra = "".join(f", {_q(c)}" for c in returning)
    written: list[Written] = []
    per_chunk = max(1, 30000 // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(records), per_chunk):
            chunk = records[start : start + per_chunk]
            keys = [getattr(r, key) for r in chunk]
            marks = ", ".join(["%s"] * len(keys))
            cursor.execute(
                f"SELECT {_q(key)} FROM {_q(plan.table)} WHERE {_q(key)} IN ({marks}){in_scope}",
                keys + ([scope] if scope else []),
            )
            existing = {row[0] for row in cursor.fetchall()}
            params: list[Any] = []
            for record in chunk:
                values = [*get(record), *(v for _, v in constants)]
                for i, limit in limits:
                    if isinstance(values[i], str) and len(values[i]) > limit:
                        values[i] = values[i][:limit]
                params.extend(f.get_db_prep_save(v, connection) for f, v in zip(prep, values, strict=True))
            row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
            sql = (
                f"INSERT INTO {_q(plan.table)} ({', '.join(_q(c) for c in columns)}) "
                f"VALUES {', '.join([row_marks] * len(chunk))} "
                f"ON CONFLICT ({target}) DO UPDATE SET {sets} WHERE {where} "
                f"RETURNING {_q(plan.pk)}, {_q(key)}{extra}"
            )
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                written.append(Written(row[0], row[1], row[1] not in existing, tuple(row[2:])))
    return written
