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
import re
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


Token = tuple[str, str, int]  # (kind, text, position)


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind == "ws":
            continue
        if kind == "other":
            raise SOQLError("MALFORMED_QUERY", pointer(text, m.start(), f"unexpected token: '{m.group()}'"))
        out.append((kind, m.group(), m.start()))
    out.append(("eof", "<EOF>", len(text)))
    return out


def pointer(text: str, pos: int, message: str) -> str:
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

    def peek(offset: int = 0) -> Token:
        return tokens[min(pos + offset, len(tokens) - 1)]

    def is_kw(tok: Token, *words: str) -> bool:
        return tok[0] == "name" and tok[1].upper() in words

    def fail(message: str, tok: Token | None = None) -> SOQLError:
        return SOQLError("MALFORMED_QUERY", pointer(text, tok[2] if tok else len(text), message))

    def expect_kw(word: str) -> None:
        nonlocal pos
        tok = peek()
        if not is_kw(tok, word):
            raise fail(f"unexpected token: '{tok[1]}', expecting {word}", tok)
        pos += 1

    def name() -> tuple[str, int]:
        nonlocal pos
        tok = peek()
        if tok[0] != "name" or tok[1].upper() in KEYWORDS:
            raise fail(f"unexpected token: '{tok[1]}'", tok)
        if "." in tok[1] or ":" in tok[1]:
            raise fail(f"relationship fields and date literals are not supported here: '{tok[1]}'", tok)
        if peek(1)[1] == "(":
            raise fail(f"functions are not supported here: '{tok[1]}'", tok)
        pos += 1
        return tok[1], tok[2]

    def literal() -> Literal:
        nonlocal pos
        tok = peek()
        if tok[0] == "eof":
            raise fail("unexpected end of query, expecting a value", tok)
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
    fields: list[tuple[str, int]] = []
    while True:
        fields.append(name())
        if peek()[1] == ",":
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
            elif tok[0] == "op":
                pos += 1
                op = "!=" if tok[1] == "<>" else tok[1]
            else:
                raise fail(f"unexpected token: '{tok[1]}', expecting an operator", tok)
            if op in ("IN", "NOT IN"):
                if peek()[1] != "(":
                    raise fail("expecting '('", peek())
                pos += 1
                values: list[Literal] = [literal()]
                while peek()[1] == ",":
                    pos += 1
                    values.append(literal())
                if peek()[1] != ")":
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
            if peek()[1] == ",":
                pos += 1
                continue
            break
    for word in ("LIMIT", "OFFSET"):
        if is_kw(peek(), word):
            pos += 1
            tok = peek()
            if tok[0] != "number" or "." in tok[1] or tok[1].startswith("-"):
                raise fail(f"expecting a non-negative integer after {word}", tok)
            pos += 1
            if word == "LIMIT":
                query.limit = int(tok[1])
            else:
                query.offset = int(tok[1])
    if peek()[0] != "eof":
        raise fail(f"unexpected token: '{peek()[1]}'", peek())
    return query


# ---------------------------------------------------------------------------------------
# Evaluation against a schema {canonical field name: type}.
