from __future__ import annotations

from django.urls import path

from . import audit_views

app_name = "counselor"

urlpatterns = [
    path(
        "applications/<uuid:public_id>/audit/",
        audit_views.application_audit_history,
        name="application-audit",
    ),
]
