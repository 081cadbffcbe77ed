"""Before the cadence call: one account's recent support on one printable screen."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from accounts.selectors import get_account_for_user
from users.roles import any_role_required

from ..cadence import PERIODS, cadence_report, period_days
from ..selectors import can_forward, feedback_for_user


@require_GET
@any_role_required
def cadence_page(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request.user, pk)
    days = period_days(request.GET.get("days"))
    context = {
        "account": account,
        "periods": PERIODS,
        "can_forward": can_forward(request.user),
        "ticket_review_url": _url_if_any("tickets:account_review", account_pk=account.pk),
        "education_email_url": _url_if_any("tickets:education_email", account_pk=account.pk),
        **cadence_report(account, days=days, feedback=feedback_for_user(request.user), user=request.user),
    }
    return render(request, "feedback/cadence.html", context)


def _url_if_any(name: str, **kwargs: int) -> str | None:
    """A link to the tickets app's deeper account pages, where it has them."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None
