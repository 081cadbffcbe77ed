"""The Zendesk-instances migration at a million tickets (PostgreSQL).

Existing data becomes the instance ``global`` (docs/instances.md). This benchmark builds a
database at the schema just before that migration, fills it inside PostgreSQL (INSERT ...
SELECT generate_series) with 1,000,000 tickets, 3,000,000 comments, 200,000 ratings, 100,000
end users and 5,000 organizations, then times ``manage.py migrate`` from there to the latest
schema, and checks what it did: every row is ``global``, the key is unique per instance, and
nothing was lost. Target: the whole migration within 5 minutes.

Rows are written with only the columns the table requires (every NOT NULL column without a
database default gets a plain value of its type), so the benchmark does not depend on the
fields a later change adds. Environment: BENCH_MIGRATION_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/csm_bench_migration; dropped and created),
BENCH_MIGRATION_TICKETS (1,000,000).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Metric, calibration, calibration_metric, recreate_database

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_MIGRATION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/csm_bench_migration"
)
TICKETS = int(os.environ.get("BENCH_MIGRATION_TICKETS", "1000000"))
TARGET_S = 300.0
# The migrations that brought the instances, by app: the data is built at the schema before them.
FIRST_INSTANCE_MIGRATION = {
    "accounts": "zendesk_instance",
    "contacts": "zendesk_instance",
    "feedback": "zendesk_instance",
    "tickets": "zendesk_instance",
    "users": "instance_clearance",
}
# Rows per table, as a share of the tickets.
SIZES = {
    "accounts_organization": 1 / 200,
    "contacts_supportuser": 1 / 10,
    "tickets_ticket": 1,
    "tickets_comment": 3,
    "feedback_rating": 1 / 5,
    "tickets_schedule": 0,
}
ZENDESK_TABLES = [t for t in SIZES if t != "tickets_schedule"] + ["tickets_schedule"]


def before() -> dict[str, str]:
    """Each app's last migration before its instances migration (by file name)."""
    targets = {}
    for app, suffix in FIRST_INSTANCE_MIGRATION.items():
        names = sorted(p.stem for p in (ROOT / app / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py"))
        first = next(i for i, name in enumerate(names) if name[5:] == suffix)
        targets[app] = names[first - 1]
    return targets


def _env(tmp: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZENDESK_", "SALESFORCE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="csmportal.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL="",
        VAR_DIR=tmp,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=3 * 3600)
    return time.perf_counter() - started


def _value_for(data_type: str) -> str:
    """A plain SQL value of a column's type (for NOT NULL columns the benchmark does not care about)."""
    if data_type in ("bigint", "integer", "smallint", "numeric", "double precision", "real"):
        return "0"
    if data_type == "boolean":
        return "false"
    if data_type.startswith("timestamp") or data_type == "date":
        return "now()"
    if data_type == "jsonb":
        return "'[]'::jsonb"
    if data_type == "uuid":
        return "gen_random_uuid()"
    return "''"


def _fill(conn: Any, table: str, rows: int, chosen: dict[str, str]) -> None:
    """INSERT ``rows`` rows into ``table``: ``chosen`` columns get their SQL expression (of ``i``,
    1..rows), the other required columns a plain value."""
    required = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
        "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    ).fetchall()
    columns = dict(chosen)
    for name, data_type in required:
        columns.setdefault(name, _value_for(data_type))
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(columns.values())
    step = 200_000
    for start in range(1, rows + 1, step):
        stop = min(rows, start + step - 1)
        conn.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM generate_series({start}, {stop}) AS i"
        )


def _build(conn: Any) -> dict[str, int]:
    orgs = max(1, int(TICKETS * SIZES["accounts_organization"]))
    users = max(1, int(TICKETS * SIZES["contacts_supportuser"]))
    comments = int(TICKETS * SIZES["tickets_comment"])
    ratings = int(TICKETS * SIZES["feedback_rating"])
    _fill(conn, "accounts_organization", orgs, {"zd_id": "360000000000 + i", "name": "'Org ' || i"})
    _fill(
        conn,
        "contacts_supportuser",
        users,
        {
            "zd_id": "370000000000 + i",
            "email": "'user' || i || '@customer.example'",
            "zd_organization_id": f"360000000000 + 1 + i % {orgs}",
        },
    )
    _fill(
        conn,
        "tickets_ticket",
        TICKETS,
        {
            "zd_id": "i",
            "zd_organization_id": f"360000000000 + 1 + i % {orgs}",
            "zd_requester_id": f"370000000000 + 1 + i % {users}",
            "subject": "'Ticket ' || i",
            "status": "(ARRAY['new','open','pending','solved','closed'])[1 + i % 5]",
            "zd_created_at": "now() - (i || ' minutes')::interval",
            "zd_updated_at": "now() - (i || ' minutes')::interval",
        },
    )
    _fill(
        conn,
        "tickets_comment",
        comments,
        {
            "zd_id": "380000000000 + i",
            "zd_ticket_id": f"1 + i % {TICKETS}",
            "body": "'A comment'",
            "created_at": "now()",
        },
    )
    _fill(
        conn,
        "feedback_rating",
        ratings,
        {"zd_id": "390000000000 + i", "zd_ticket_id": f"1 + i % {TICKETS}", "score": "'good'"},
    )
    _fill(conn, "tickets_schedule", 3, {"zd_id": "i", "name": "'Schedule ' || i"})
    conn.execute("ANALYZE")
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ZENDESK_TABLES}


def _check(conn: Any, before: dict[str, int]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for table, count in before.items():
        total, global_rows = conn.execute(
            f"SELECT count(*), count(*) FILTER (WHERE zd_instance = 'global') FROM {table}"
        ).fetchone()
        unique = conn.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [table, "CREATE UNIQUE INDEX % (zd_id, zd_instance)"],
        ).fetchone()[0]
        found[table] = {
            "before": count,
            "after": total,
            "global": global_rows,
            "unique_per_instance": unique == 1,
        }
    return found


def child(out_path: str) -> None:
    import psycopg

    with tempfile.TemporaryDirectory(prefix="bench-migration-") as tmp:
        env = _env(tmp)
        recreate_database(DATABASE_URL)
        _manage(env, "migrate", "--noinput", "-v", "0")
        # Back to the schema before the instances: the apps' later migrations are undone (an
        # empty database: quick).
        for app, name in before().items():
            _manage(env, "migrate", app, name, "--noinput", "-v", "0")
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            started = time.perf_counter()
            counts = _build(conn)
            build_s = time.perf_counter() - started
        print(f"  built {counts} in {build_s:.0f} s", flush=True)
        calibrated = calibration()
        migrate_s = _manage(env, "migrate", "--noinput", "-v", "1")
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            checked = _check(conn, counts)
    Path(out_path).write_text(
        json.dumps(
            {
                "tickets": TICKETS,
                "build_s": round(build_s, 1),
                "migrate_s": round(migrate_s, 1),
                "tables": checked,
                "calibration": calibrated,
            },
            indent=2,
        )
    )


def run() -> list[Metric]:
    with tempfile.TemporaryDirectory(prefix="bench-migration-") as tmp:
        out = Path(tmp) / "migration.json"
        subprocess.run(
            [sys.executable, "-m", "bench.bench_migration", str(out)],
            cwd=ROOT,
            env=_env(tmp),
            check=True,
            timeout=3 * 3600,
        )
        data = json.loads(out.read_text())
    kept = all(
        t["after"] == t["before"] == t["global"] and t["unique_per_instance"] for t in data["tables"].values()
    )
    print(
        f"\n{data['tickets']:,} tickets: migrate {data['migrate_s']:.1f} s"
        f" (data built in {data['build_s']:.0f} s)"
    )
    for table, t in data["tables"].items():
        print(
            f"  {table}: {t['after']:,} rows, {t['global']:,} global,"
            f" unique per instance: {t['unique_per_instance']}"
        )
    return [
        Metric(
            f"migrate to instances at {data['tickets']:,} tickets",
            data["migrate_s"],
            "s",
            f"<= {TARGET_S:g} s",
            data["migrate_s"] <= TARGET_S,
            {"build_s": data["build_s"]},
        ),
        Metric("every row kept, global, unique per instance", float(kept), "", "1", kept, data["tables"]),
        calibration_metric(data["calibration"]),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    child(sys.argv[1])
