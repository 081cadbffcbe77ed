"""What /healthz reports: database, broker and the state of each sync stream.

Anyone may ask /healthz, so it says only the status and each part up or down (`summary`);
error text, hosts and streams' last errors are for admins, on the sync page (`report`).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from csmportal import instances


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; say why
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    from csmportal.celery import app

    url = app.conf.broker_url or ""
    scheme = url.split("://", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        return {"ok": False, "transport": scheme, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "transport": scheme}


def sync_state() -> dict[str, Any]:
    """Per stream: how far behind the source the mirror may be (the sync page's rule too).
    A Zendesk stream is reported per instance: ``zendesk.tickets`` (global, as before
    instances), ``zendesk.tickets@usgov`` for another."""
    from integrations.models import SyncState
    from integrations.streams import all_streams

    now = timezone.now()
    states = {s.stream: s for s in SyncState.objects.all()}
    streams: dict[str, Any] = {}
    stale = []
    for spec in all_streams():
        stream = spec.stream
        fast = spec.name in settings.SYNC_STREAMS_FAST
        interval = settings.SYNC_FAST_INTERVAL if fast else settings.SYNC_SLOW_INTERVAL
        state = states.get(stream)
        # Everything the source had changed when the last successful run began is mirrored.
        through = (state.synced_through or state.last_success_at) if state else None
        lag = now - through if through else None
        # Stale after three missed runs (at least ten minutes).
        is_stale = lag is None or lag > max(timedelta(seconds=3 * interval), timedelta(minutes=10))
        if is_stale:
            stale.append(stream)
        streams[stream] = {
            "synced_through": through.isoformat() if through else None,
            "lag_seconds": round(lag.total_seconds()) if lag is not None else None,
            "last_success_at": state.last_success_at.isoformat() if state and state.last_success_at else None,
            "last_error": (state.last_error if state else "") or None,
            "stale": is_stale,
        }
        if spec.source == "zendesk":
            streams[stream]["instance"] = spec.instance
    result: dict[str, Any] = {"ok": not stale, "stale": stale, "streams": streams}
    if instances.is_multi():
        # Each Zendesk instance on its own: one failing says which, and the others stay ok.
        result["instances"] = {
            key: {"ok": not any(s.get("instance") == key and s["stale"] for s in streams.values())}
            for key in instances.keys()  # noqa: SIM118 (a function, not a dict)
        }
    return result


def report() -> dict[str, Any]:
    database = check_database()
    broker = check_broker()
    sync = sync_state() if database["ok"] else {"ok": False, "error": "database unavailable"}
    if not (database["ok"] and broker["ok"]):
        status = "down"
    elif not sync["ok"]:
        status = "degraded"  # pages still work from the mirror; the sync page says more
    else:
        status = "ok"
    return {"status": status, "database": database, "broker": broker, "sync": sync}


def summary(full: dict[str, Any]) -> dict[str, Any]:
    """The report without error text, hosts or timings: what /healthz tells anyone."""
    sync = full["sync"]
    return {
        "status": full["status"],
        "database": {"ok": full["database"]["ok"]},
        "broker": {"ok": full["broker"]["ok"]},
        "sync": {
            "ok": sync["ok"],
            "stale": list(sync.get("stale", [])),
            "streams": {name: {"ok": not s["stale"]} for name, s in sync.get("streams", {}).items()},
            **({"instances": sync["instances"]} if "instances" in sync else {}),
        },
    }
