"""Running one statement of the sync's own SQL on the current connection and transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import connection


def execute(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Execute ``sql`` and return its rows (``RETURNING``), in the caller's transaction.

    On PostgreSQL the statement goes through a plain psycopg cursor: Django's binds parameters
    client-side, quoting every element of an array in Python, which for a page of arrays costs
    more than the statement itself. There, ``%b`` marks a parameter sent in binary.
    """
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
