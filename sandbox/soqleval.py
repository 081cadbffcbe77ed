"""SOQL evaluation: name resolution and type checks against a schema, filters, ordering.

A schema maps canonical field names to Salesforce types. String comparisons ignore case (as
SOQL does); Id comparisons accept 15- and 18-character Ids; null sorts first ascending.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from typing import Any

from .soql import Literal, Query, SOQLError, pointer

KIND_FOR_TYPE = {
    "id": "string",
    "reference": "string",
    "string": "string",
    "picklist": "string",
    "email": "string",
    "phone": "string",
    "textarea": "string",
    "datetime": "datetime",
    "date": "date",
    "double": "number",
    "currency": "number",
    "boolean": "boolean",
}


TYPE_NAMES = {
    "datetime": "dateTime",
    "date": "date",
    "number": "number",
    "boolean": "boolean",
    "string": "string",
}


def resolve(query: Query, schemas: dict[str, dict[str, str]]) -> tuple[str, dict[str, str]]:
    """Canonical object name and schema; canonical field names in place; type checks."""
    lookup = {name.lower(): name for name in schemas}
    sobject = lookup.get(query.sobject.lower())
    if sobject is None:
        raise SOQLError(
            "INVALID_TYPE",
            pointer(
                query.text,
                query.text.lower().find(query.sobject.lower()),
                f"sObject type '{query.sobject}' is not supported. If you are attempting to use a custom "
                "object, be sure to append the '__c' after the entity name. Please reference your WSDL or "
                "the describe call for the appropriate names.",
            ),
        )
    schema = schemas[sobject]
    names = {n.lower(): n for n in schema}

    def canon(fname: str, where: int) -> str:
        found = names.get(fname.lower())
        if found is None:
            raise SOQLError(
                "INVALID_FIELD",
                pointer(
                    query.text,
                    where,
                    f"No such column '{fname}' on entity '{sobject}'. If you are attempting to use a custom "
                    "field, be sure to append the '__c' after the custom field name. Please reference your "
                    "WSDL or the describe call for the appropriate names.",
                ),
            )
        return found

    query.fields = [canon(f, p) for f, p in zip(query.fields, query.field_positions, strict=True)]
    for cond in query.where:
        cond.field = canon(cond.field, cond.pos)
        kind = KIND_FOR_TYPE[schema[cond.field]]
        values = cond.value if isinstance(cond.value, list) else [cond.value]
        for value in values:
            if value.kind == "null":
                if cond.op not in ("=", "!=", "IN", "NOT IN"):
                    raise SOQLError(
                        "MALFORMED_QUERY",
                        pointer(query.text, cond.pos, "null can only be compared with = or !="),
                    )
                continue
            if value.kind != kind and not (kind == "number" and value.kind == "number"):
                raise SOQLError(
                    "INVALID_FIELD",
                    pointer(
                        query.text,
                        cond.pos,
                        f"value of filter criterion for field '{cond.field}' must be of type "
                        f"{TYPE_NAMES[kind]}"
                        + (" and should not be enclosed in quotes" if value.kind == "string" else ""),
                    ),
                )
        if cond.op == "LIKE" and kind != "string":
            raise SOQLError(
                "INVALID_FIELD", pointer(query.text, cond.pos, f"invalid operator on field '{cond.field}'")
            )
    query.order = [(canon(f, query.text.find(f)), d, n) for f, d, n in query.order]
    return sobject, schema


def _like_regex(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "%_":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char.casefold()))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.DOTALL)


def _norm(value: Any, ftype: str) -> Any:
    if isinstance(value, str) and ftype not in ("id", "reference"):
        return value.casefold()
    return value


def _id_equal(a: str, b: str) -> bool:
    if len(a) == 15 or len(b) == 15:
        return a[:15] == b[:15]
    return a == b


Check = Callable[[dict], bool]


def _in_check(fname: str, ftype: str, values: list[Literal], negate: bool) -> Check:
    wanted = [_norm(v.value, ftype) for v in values]
    if ftype in ("id", "reference"):

        def check_ids(rec: dict) -> bool:
            value = rec.get(fname)
            hit = any(
                (value is None and w is None) or (value is not None and w is not None and _id_equal(value, w))
                for w in wanted
            )
            return hit != negate

        return check_ids

    def check_values(rec: dict) -> bool:
        return (_norm(rec.get(fname), ftype) in wanted) != negate

    return check_values


def _like_check(fname: str, pattern: str) -> Check:
    regex = _like_regex(pattern)

    def check(rec: dict) -> bool:
        value = rec.get(fname)
        return value is not None and regex.match(str(value).casefold()) is not None

    return check


def _compare_check(fname: str, ftype: str, op: str, literal: Any) -> Check:
    target = _norm(literal, ftype)

    def check(rec: dict) -> bool:
        value = _norm(rec.get(fname), ftype)
        if target is None or value is None:
            if op == "=":
                return value is None and target is None
            if op == "!=":
                return (value is None) != (target is None)
            return False
        if ftype in ("id", "reference") and op in ("=", "!="):
            return _id_equal(value, target) == (op == "=")
        return bool(COMPARE[op](value, target))

    return check


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def predicate(query: Query, schema: dict[str, str]) -> Check:
    checks: list[Check] = []
    for cond in query.where:
        ftype = schema[cond.field]
        if isinstance(cond.value, list):
            checks.append(_in_check(cond.field, ftype, cond.value, cond.op == "NOT IN"))
        elif cond.op == "LIKE":
            checks.append(_like_check(cond.field, cond.value.value))
        else:
            checks.append(_compare_check(cond.field, ftype, cond.op, cond.value.value))
    return lambda rec: all(check(rec) for check in checks)


def sort_records(records: list[dict], query: Query, schema: dict[str, str]) -> list[dict]:
    def compare(a: dict, b: dict) -> int:
        for fname, desc, nulls_first in query.order:
            x, y = _norm(a.get(fname), schema[fname]), _norm(b.get(fname), schema[fname])
            if x == y:
                continue
            if x is None or y is None:
                return (-1 if x is None else 1) * (1 if nulls_first else -1)
            result = -1 if x < y else 1
            return -result if desc else result
        return 0

    return sorted(records, key=functools.cmp_to_key(compare)) if query.order else records
