"""Satisfaction ratings (synced from Zendesk): list, trend chart, CSV, and one-click forward."""

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from csmportal.instances import label, labels
from csmportal.lists import csv_response, render_list
from tickets.review import mask
from users.roles import Role, any_role_required, role_required

from ..filters import RatingFilter, default_ratings_scope
from ..models import RATED_SCORES, Feedback, Rating
from ..rows import paginator_counting, rating_row_items
from ..selectors import can_forward, can_view, get_rating_for_forwarding, ratings_for_user
from ..services import FeedbackError, feedback_forward_rating
from ..trends import build_trend, rated_counts


def _ratings(request: HttpRequest) -> RatingFilter:
    items: QuerySet[Rating] = ratings_for_user(request.user)
    return RatingFilter(default_ratings_scope(request.GET, request), items, request=request)


def _with_feedback_id(ratings: QuerySet[Rating]) -> QuerySet[Any]:  # ratings with `feedback_id`
    """Each rating's feedback item, if it was forwarded (annotated after the trend's grouped
    query, which does not read it)."""
    return ratings.annotate(
        feedback_id=Subquery(Feedback.objects.filter(rating=OuterRef("pk")).values("pk")[:1])
    )


@require_GET
@any_role_required
def rating_list(request: HttpRequest) -> HttpResponse:
    filterset = _ratings(request)
    qs = filterset.qs
    since = filterset.since()
    counts = rated_counts(qs)
    context = {
        "filter": filterset,
        "can_forward": can_forward(request.user),
        "trend": build_trend(counts, since=since.date() if since else None),
    }
    rows = rating_row_items(_with_feedback_id(qs)).order_by("-zd_created_at", "-pk")  # what a row shows
    paginator = Paginator
    if filterset.form.is_valid() and filterset.form.cleaned_data.get("score") in ("", None, *RATED_SCORES):
        total = sum(counts.values())
        paginator = paginator_counting(lambda: total)  # the list is the trend's ratings
    return render_list(request, "feedback/ratings.html", rows, context=context, paginator_class=paginator)


@require_GET
@any_role_required
def rating_export(request: HttpRequest) -> HttpResponse:
    qs = _with_feedback_id(_ratings(request).qs).order_by("-zd_created_at", "-pk")
    header = ["Rated", "Score", "Ticket", "Account", "Requester", "Reason", "Comment", "Feedback item"]
    names = labels()  # {} with one instance: no "Instance" column
    if names:
        header.insert(3, "Instance")
    rows = (
        [
            r.zd_created_at.isoformat(),
            r.get_score_display(),
            r.zd_ticket_id or "",
            *([label(names, r.zd_instance)] if names else []),
            r.account.name if r.account else "",
            str(r.requester or ""),
            r.reason,
            mask(r.comment),
            r.feedback_id or "",
        ]
        for r in qs.iterator(chunk_size=500)
    )
    return cast(HttpResponse, csv_response("ratings.csv", header, rows))  # streamed


@require_POST
@role_required(Role.CSM)
def rating_forward(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: a bad rating with a comment becomes a feedback item (at most one)."""
    rating = get_rating_for_forwarding(request.user, pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("feedback:ratings")
    try:
        item, created = feedback_forward_rating(rating=rating, forwarded_by=request.user)
    except FeedbackError as error:
        messages.error(request, str(error))
        return redirect(back)
    if created:
        messages.success(
            request, "Forwarded to the support managers, with the rating's comment. Add your context below."
        )
    elif can_view(request.user, item):
        messages.info(request, "This rating was already forwarded: here is its feedback item.")
    else:
        messages.info(request, f"This rating was already forwarded by {item.forwarded_by}.")
        return redirect(back)
    return redirect("feedback:detail", item.pk)
