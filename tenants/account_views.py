from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def sign_in_unavailable(request: HttpRequest) -> HttpResponse:
    """Shown where no sign-in method is configured for this deployment."""
    return render(request, "accounts/unavailable.html", status=503)
