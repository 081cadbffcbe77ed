"""Satisfaction trend: good and bad ratings per week, and the share of good ones.

Weeks start on Monday in the viewer's time zone. The chart's data goes to the page with
`json_script`; static/feedback/feedback.js draws it with the vendored Chart.js.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from .models import RATED_SCORES, Score

MAX_WEEKS = 104


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build_trend(counts: Counter[tuple[dt.date, str]], *, since: dt.date | None) -> dict[str, Any]:
    """Fill every week from `since` (or the first rating) to this week, oldest first."""
    this_week = _monday(timezone.localdate())
    first = _monday(since) if since else min((week for week, _ in counts), default=this_week)
    first = max(first, this_week - dt.timedelta(weeks=MAX_WEEKS - 1))
    weeks = []
    week = first
    while week <= this_week:
        weeks.append(week)
        week += dt.timedelta(weeks=1)
    good = [counts.get((w, Score.GOOD), 0) for w in weeks]
    bad = [counts.get((w, Score.BAD), 0) for w in weeks]
    share = [round(100 * g / (g + b)) if g + b else None for g, b in zip(good, bad, strict=True)]
    total_good, total_bad = sum(good), sum(bad)
    return {
        "labels": [w.strftime("%d %b") for w in weeks],  # chart axis: the week's Monday, short
        "good": good,
        "bad": bad,
        "satisfaction": share,
        "total_good": total_good,
        "total_bad": total_bad,
        "total_satisfaction": round(100 * total_good / (total_good + total_bad))
        if total_good + total_bad
        else None,
    }


def trend_from_ratings(ratings: Iterable[Any], *, since: dt.date | None) -> dict[str, Any]:
    """From ratings already loaded (the cadence page): no extra query."""
    counts: Counter[tuple[dt.date, str]] = Counter()
    for rating in ratings:
        if rating.score in RATED_SCORES:
            counts[(_monday(timezone.localtime(rating.zd_created_at).date()), rating.score)] += 1
    return build_trend(counts, since=since)


def trend_from_queryset(ratings: QuerySet, *, since: dt.date | None) -> dict[str, Any]:
    """From any filtered ratings (the ratings page): one grouped query."""
    return build_trend(rated_counts(ratings), since=since)


def rated_counts(ratings: QuerySet) -> Counter[tuple[dt.date, str]]:
    """The good and bad ones among `ratings`, counted per week and score: one grouped query
    (every week, not only those a trend shows: their sum is how many there are)."""
    rows = (
        ratings.filter(score__in=RATED_SCORES)
        .order_by()
        .annotate(week=TruncWeek("zd_created_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "score")
        .annotate(n=Count("pk"))
    )
    counts: Counter[tuple[dt.date, str]] = Counter()
    for row in rows:
        week = row["week"]
        day = timezone.localtime(week).date() if isinstance(week, dt.datetime) else week
        counts[(day, row["score"])] += row["n"]
    return counts
