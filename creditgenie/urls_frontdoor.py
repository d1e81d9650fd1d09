"""Root URLs of the front door: the single public URL that routes consumers."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("tenants.frontdoor_urls")),
]
