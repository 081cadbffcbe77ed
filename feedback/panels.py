"""The account page's "Feedback and satisfaction" section (registered in apps.py)."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Account
from csmportal.clearance import exclude_hidden
from csmportal.versions import one_cached

from .models import OPEN_FEEDBACK, Feedback, FeedbackStatus, Rating, Score
from .selectors import can_forward, visible_feedback

PANEL_DAYS = 90


def account_panel_context(request: HttpRequest, account: Account) -> dict[str, Any]:
    """Counts only (two queries, cached with the account's version: csmportal.versions): every
    role may read an account page, not every item."""
    user = request.user
    counts = one_cached(account.pk, user, "feedback", lambda: _counts(account, user))
    ratings, items = counts["ratings"], counts["items"]
    good, bad = ratings["good"] or 0, ratings["bad"] or 0
    return {
        "days": PANEL_DAYS,
        "good": good,
        "bad": bad,
        "satisfaction": round(100 * good / (good + bad)) if good + bad else None,
        "items_total": items["total"] or 0,
        "items_open": items["open"] or 0,
        "items_overdue": items["overdue"] or 0,
        "can_forward": can_forward(user),
    }


def _counts(account: Account, user: Any) -> dict[str, Any]:
    now = timezone.now()
    ratings = (
        exclude_hidden(Rating.objects.all(), user, "zd_instance")
        .filter(account=account, zd_created_at__gte=now - dt.timedelta(days=PANEL_DAYS))
        .aggregate(good=Count("pk", filter=Q(score=Score.GOOD)), bad=Count("pk", filter=Q(score=Score.BAD)))
    )
    items = visible_feedback(Feedback.objects.filter(account=account), user).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_FEEDBACK)),
        overdue=Count(
            "pk",
            filter=Q(first_responded_at__isnull=True, first_response_due_at__lt=now)
            & ~Q(status=FeedbackStatus.CLOSED),
        ),
    )
    return {"ratings": ratings, "items": items}
