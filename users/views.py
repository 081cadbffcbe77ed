from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .forms import ProfileForm
from .services import email_is_verified


def profile(request: HttpRequest) -> HttpResponse:
    """Every logged-in user's own settings: name, time zone, password and two-factor."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("users:profile")
    verified = email_is_verified(request.user)  # type: ignore[arg-type]  # logged in (middleware)
    return render(request, "users/profile.html", {"form": form, "email_verified": verified})


@require_GET
def email_managed_by_admins(request: HttpRequest) -> HttpResponse:
    """Replaces allauth's email management (/auth/email/): nobody adds or changes their own
    address. It is how Salesforce and Zendesk recognise people, so an admin changes it."""
    messages.info(request, "Your email address is changed by an admin.")
    return redirect("users:profile")
