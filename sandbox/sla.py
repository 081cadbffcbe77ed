"""SLA data as Zendesk sideloads it (include=slas): first and next reply time per priority.

Targets follow the support handbook: first reply 30m / 4h / 8h / 24h for urgent / high /
normal / low. A preferred region limits the clock to that region's business hours.
"""

from __future__ import annotations

from .ids import DAY, ZD_FIELD_REGION, iso_z, parse_iso

FIRST_REPLY_MINUTES = {"urgent": 30, "high": 240, "normal": 480, "low": 1440}


BUSINESS_HOURS = {"americas_usa": (14, 22), "europe_middle_east_africa": (8, 16), "asia_pacific": (0, 8)}


def add_business_time(start: int, seconds: int, region: str | None) -> int:
    """``start`` plus ``seconds`` counted only in the region's business hours."""
    window = BUSINESS_HOURS.get(region or "")
    if window is None:
        return start + seconds
    t = start
    remaining = seconds
    for _ in range(400):
        day = t - t % DAY
        open_at, close_at = day + window[0] * 3600, day + window[1] * 3600
        weekday = (day // DAY + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
        if weekday < 5 and t < close_at:
            t = max(t, open_at)
            available = close_at - t
            if remaining <= available:
                return t + remaining
            remaining -= available
        t = day + DAY
    return t


def sla_metrics(ticket: dict, comments: list[dict], now: float) -> list[dict]:
    """Zendesk's ``slas.policy_metrics`` for a ticket (first and next reply times)."""
    priority = ticket.get("priority")
    status = ticket.get("status")
    if priority not in FIRST_REPLY_MINUTES or status == "deleted":
        return []
    region = next((f["value"] for f in ticket.get("custom_fields", []) if f["id"] == ZD_FIELD_REGION), None)
    target = FIRST_REPLY_MINUTES[priority] * 60
    requester = ticket["requester_id"]
    public = [c for c in comments if c["public"]]
    replies = [c for c in public if c["author_id"] != requester]
    created = parse_iso(ticket["created_at"])
    metrics = []
    if replies or status in ("solved", "closed"):
        metrics.append({"breach_at": None, "stage": "achieved", "metric": "first_reply_time"})
    else:
        metrics.append(_active("first_reply_time", add_business_time(created, target, region), now))
    if replies and status in ("new", "open") and public and public[-1]["author_id"] == requester:
        asked = parse_iso(public[-1]["created_at"])
        metrics.append(_active("next_reply_time", add_business_time(asked, target, region), now))
    elif replies and status in ("pending", "hold"):
        metrics.append({"breach_at": None, "stage": "paused", "metric": "next_reply_time"})
    return metrics


def _active(metric: str, breach_at: int, now: float) -> dict:
    left = int(breach_at - now)
    entry: dict = {"breach_at": iso_z(breach_at), "stage": "active", "metric": metric}
    if abs(left) >= DAY:
        entry["days"] = int(left / DAY)
    elif abs(left) >= 3600:
        entry["hours"] = int(left / 3600)
    else:
        entry["minutes"] = int(left / 60)
    return entry
