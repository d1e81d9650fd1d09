"""Root URLs of an agency deployment."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("tenants.accounts_urls")),
    path("oidc/", include("integrations.oidc.urls")),
    path("integrations/", include("integrations.urls")),
    path("grants/", include("tenants.grants.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tenants.urls")),
    path("", include("intake.urls")),
    path("counselor/", include("counselor.urls")),
    path("notices/", include("notifications.urls")),
]
