from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import ProfileForm


def profile(request: HttpRequest) -> HttpResponse:
    """Every logged-in user's own settings: name, time zone, password and two-factor."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("users:profile")
    return render(request, "users/profile.html", {"form": form})
