"""A small SOQL parser and evaluator for the query shapes the portal uses.

Supported: ``SELECT f1, f2 FROM Obj [WHERE c1 AND c2 ...] [ORDER BY f [ASC|DESC]
[NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]`` where a condition is ``field op literal``
with op in ``= != <> < <= > >= LIKE`` or ``field [NOT] IN (literal, ...)``. Literals:
'strings', numbers, true/false, null, dates (2026-01-31) and datetimes
(2026-01-31T00:00:00Z, with optional .000 and +hh:mm offsets). Anything else (OR, NOT,
functions, relationship fields, subqueries, date literals like TODAY) is a
``MALFORMED_QUERY``, an unknown field ``INVALID_FIELD``, an unknown object ``INVALID_TYPE``.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\dT]))
  | (?P<number>-?\d+(?:\.\d+)?(?![\w-]))
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),])
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*(?::\d+)?)
  | (?P<other>.)
""",
    re.VERBOSE | re.DOTALL,
)
KEYWORDS = {
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "NULLS",
    "FIRST",
    "LAST",
    "LIMIT",
    "OFFSET",
    "IN",
    "LIKE",
    "TRUE",
    "FALSE",
    "NULL",
    "GROUP",
    "HAVING",
}
ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "'": "'",
    '"': '"',
    "\\": "\\",
    "%": "\\%",
    "_": "\\_",
}


class SOQLError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Literal:
    kind: str  # string, number, boolean, null, date, datetime
    value: Any


@dataclass
class Condition:
    field: str
    op: str
    value: Literal | list[Literal]
    pos: int = 0


@dataclass
class Query:
    text: str
    fields: list[str]
    sobject: str
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool, bool]] = field(default_factory=list)  # (field, descending, nulls_first)
    limit: int | None = None
    offset: int = 0
    field_positions: list[int] = field(default_factory=list)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out = []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind == "other":
            raise SOQLError("MALFORMED_QUERY", _pointer(text, m.start(), f"unexpected token: '{m.group()}'"))
        out.append((kind, m.group(), m.start()))
    return out


def _pointer(text: str, pos: int, message: str) -> str:
    return f"\n{text}\n{' ' * pos}^\nERROR at Row:1:Column:{pos + 1}\n{message}"


def _datetime(value: str) -> int:
    m = re.match(
        r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):?(\d{2}))", value
    )
    assert m is not None
    ts = calendar.timegm((*(int(m.group(i)) for i in range(1, 7)), 0, 0, 0))
    if m.group(7) != "Z":
        offset = int(m.group(9)) * 3600 + int(m.group(10)) * 60
        ts -= offset if m.group(8) == "+" else -offset
    return ts


def parse(text: str) -> Query:
    tokens = _tokens(text)
    pos = 0

    def peek(offset: int = 0) -> tuple[str, str, int] | None:
        return tokens[pos + offset] if pos + offset < len(tokens) else None

    def is_kw(tok, *words) -> bool:
        return tok is not None and tok[0] == "name" and tok[1].upper() in words

    def fail(message: str, tok=None) -> SOQLError:
        where = tok[2] if tok else len(text)
        return SOQLError("MALFORMED_QUERY", _pointer(text, where, message))

    def expect_kw(word: str) -> None:
        nonlocal pos
        tok = peek()
        if not is_kw(tok, word):
            raise fail(f"unexpected token: '{tok[1] if tok else '<EOF>'}', expecting {word}", tok)
        pos += 1

    def name() -> tuple[str, int]:
        nonlocal pos
        tok = peek()
        if tok is None or tok[0] != "name" or tok[1].upper() in KEYWORDS:
            raise fail(f"unexpected token: '{tok[1] if tok else '<EOF>'}'", tok)
        if "." in tok[1] or ":" in tok[1]:
            raise fail(f"relationship fields and date literals are not supported here: '{tok[1]}'", tok)
        if peek(1) is not None and peek(1)[1] == "(":
            raise fail(f"functions are not supported here: '{tok[1]}'", tok)
        pos += 1
        return tok[1], tok[2]

    def literal() -> Literal:
        nonlocal pos
        tok = peek()
        if tok is None:
            raise fail("unexpected end of query, expecting a value")
        pos += 1
        kind, raw = tok[0], tok[1]
        if kind == "string":
            return Literal(
                "string", re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), raw[1:-1])
            )
        if kind == "number":
            return Literal("number", float(raw))
        if kind == "datetime":
            return Literal("datetime", _datetime(raw))
        if kind == "date":
            return Literal("date", raw)
        if kind == "name" and raw.upper() in ("TRUE", "FALSE"):
            return Literal("boolean", raw.upper() == "TRUE")
        if kind == "name" and raw.upper() == "NULL":
            return Literal("null", None)
        raise fail(f"unexpected token: '{raw}'", tok)

    expect_kw("SELECT")
    fields = []
    while True:
        fields.append(name())
        if peek() is not None and peek()[1] == ",":
            pos += 1
            continue
        break
    expect_kw("FROM")
    sobject, _ = name()
    query = Query(text, [f for f, _ in fields], sobject)
    query.field_positions = [p for _, p in fields]
    if is_kw(peek(), "WHERE"):
        pos += 1
        while True:
            fname, fpos = name()
            tok = peek()
            if is_kw(tok, "NOT") and is_kw(peek(1), "IN"):
                pos += 2
                op = "NOT IN"
            elif is_kw(tok, "IN"):
                pos += 1
                op = "IN"
            elif is_kw(tok, "LIKE"):
                pos += 1
                op = "LIKE"
            elif tok is not None and tok[0] == "op":
                pos += 1
                op = "!=" if tok[1] == "<>" else tok[1]
            else:
                raise fail(f"unexpected token: '{tok[1] if tok else '<EOF>'}', expecting an operator", tok)
            if op in ("IN", "NOT IN"):
                if peek() is None or peek()[1] != "(":
                    raise fail("expecting '('", peek())
                pos += 1
                values = [literal()]
                while peek() is not None and peek()[1] == ",":
                    pos += 1
                    values.append(literal())
                if peek() is None or peek()[1] != ")":
                    raise fail("expecting ')'", peek())
                pos += 1
                query.where.append(Condition(fname, op, values))
            else:
                query.where.append(Condition(fname, op, literal()))
            query.where[-1].pos = fpos
            if is_kw(peek(), "AND"):
                pos += 1
                continue
            if is_kw(peek(), "OR"):
                raise fail("OR is not supported by the sandbox", peek())
            break
    if is_kw(peek(), "ORDER"):
        pos += 1
        expect_kw("BY")
        while True:
            fname, fpos = name()
            desc = False
            if is_kw(peek(), "ASC", "DESC"):
                desc = peek()[1].upper() == "DESC"
                pos += 1
            nulls_first = not desc
            if is_kw(peek(), "NULLS"):
                pos += 1
                if not is_kw(peek(), "FIRST", "LAST"):
                    raise fail("expecting FIRST or LAST", peek())
                nulls_first = peek()[1].upper() == "FIRST"
                pos += 1
            query.order.append((fname, desc, nulls_first))
            if peek() is not None and peek()[1] == ",":
                pos += 1
                continue
            break
    for word in ("LIMIT", "OFFSET"):
        if is_kw(peek(), word):
            pos += 1
            tok = peek()
            if tok is None or tok[0] != "number" or "." in tok[1] or tok[1].startswith("-"):
                raise fail(f"expecting a non-negative integer after {word}", tok)
            pos += 1
            if word == "LIMIT":
                query.limit = int(tok[1])
            else:
                query.offset = int(tok[1])
    if peek() is not None:
        raise fail(f"unexpected token: '{peek()[1]}'", peek())
    return query


# ---------------------------------------------------------------------------------------
# Evaluation against a schema {canonical field name: type}.

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
            _pointer(
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
                _pointer(
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
                        _pointer(query.text, cond.pos, "null can only be compared with = or !="),
                    )
                continue
            if value.kind != kind and not (kind == "number" and value.kind == "number"):
                raise SOQLError(
                    "INVALID_FIELD",
                    _pointer(
                        query.text,
                        cond.pos,
                        f"value of filter criterion for field '{cond.field}' must be of type "
                        f"{TYPE_NAMES[kind]}"
                        + (" and should not be enclosed in quotes" if value.kind == "string" else ""),
                    ),
                )
        if cond.op == "LIKE" and kind != "string":
            raise SOQLError(
                "INVALID_FIELD", _pointer(query.text, cond.pos, f"invalid operator on field '{cond.field}'")
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


def predicate(query: Query, schema: dict[str, str]) -> Callable[[dict], bool]:
    checks = []
    for cond in query.where:
        ftype = schema[cond.field]
        fname, op = cond.field, cond.op
        if op in ("IN", "NOT IN"):
            wanted = [_norm(v.value, ftype) for v in cond.value]  # type: ignore[union-attr]
            if ftype in ("id", "reference"):

                def check(rec, fname=fname, wanted=wanted, neg=op == "NOT IN"):
                    value = rec.get(fname)
                    hit = any(
                        (value is None and w is None)
                        or (value is not None and w is not None and _id_equal(value, w))
                        for w in wanted
                    )
                    return hit != neg
            else:

                def check(rec, fname=fname, wanted=wanted, neg=op == "NOT IN", ftype=ftype):
                    return (_norm(rec.get(fname), ftype) in wanted) != neg
        elif op == "LIKE":
            regex = _like_regex(cond.value.value)  # type: ignore[union-attr]

            def check(rec, fname=fname, regex=regex):
                value = rec.get(fname)
                return value is not None and regex.match(str(value).casefold()) is not None
        else:
            target = _norm(cond.value.value, ftype)  # type: ignore[union-attr]

            def check(rec, fname=fname, op=op, target=target, ftype=ftype):
                value = _norm(rec.get(fname), ftype)
                if target is None or value is None:
                    if op == "=":
                        return value is None and target is None
                    if op == "!=":
                        return (value is None) != (target is None)
                    return False
                if ftype in ("id", "reference") and op in ("=", "!="):
                    return _id_equal(value, target) == (op == "=")
                if op == "=":
                    return value == target
                if op == "!=":
                    return value != target
                if op == "<":
                    return value < target
                if op == "<=":
                    return value <= target
                if op == ">":
                    return value > target
                return value >= target

        checks.append(check)
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
