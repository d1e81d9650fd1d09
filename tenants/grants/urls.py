from __future__ import annotations

from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("", views.issue, name="issue"),
]
