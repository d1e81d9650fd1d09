"""The agency URLs plus /explode/, which fails with the consumer's input in the message."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from creditgenie.urls import urlpatterns as agency_urlpatterns


def explode(request: HttpRequest) -> HttpResponse:
    ssn, email = request.GET.get("ssn"), request.GET.get("email")
    raise ValueError(f"could not parse {ssn} for {email}")


urlpatterns = [*agency_urlpatterns, path("explode/", explode)]
