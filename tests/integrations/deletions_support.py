"""Helpers of the deletion tests: deleting through the sandbox's real APIs, and searching
every text column of the database for a person's name and email."""

from __future__ import annotations

from typing import Any

import requests
from django.apps import apps
from django.db import connection, models

SF_VERSION = "v59.0"


def sf_call(handle: Any, method: str, path: str, json: dict | None = None) -> requests.Response:
    """One Salesforce REST call over HTTPS, logged in with OAuth client credentials."""
    session = handle.session()
    token = handle.salesforce_token(session)
    return session.request(
        method,
        f"{token['instance_url']}/services/data/{SF_VERSION}/{path}",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        json=json,
        timeout=10,
    )


def zd_delete(handle: Any, path: str) -> requests.Response:
    return handle.zendesk_session().delete(f"{handle.url}/api/v2/{path}", timeout=10)


def orm_hits(needle: str) -> list[str]:
    """Every model's text columns (Char, Text, Email, JSON) that contain ``needle``."""
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField | models.TextField | models.JSONField):
                continue
            if model._default_manager.filter(**{f"{f.name}__icontains": needle}).exists():
                found.append(f"{model._meta.label}.{f.name}")
    return found


def sql_hits(needle: str) -> list[str]:
    """Every text, varchar and JSON column of every table in the database (PostgreSQL) that
    contains ``needle``, whatever model (or none) owns the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')"
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
            cursor.execute(
                f"SELECT 1 FROM {quoted_table} WHERE {quoted_column}::text ILIKE %s LIMIT 1",
                [f"%{needle}%"],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


def assert_nowhere(*needles: str) -> None:
    for needle in needles:
        assert len(needle) >= 4, needle
        hits = orm_hits(needle) + sql_hits(needle)
        assert not hits, f"{needle!r} is still in {hits}"
