from __future__ import annotations

from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("apply/", views.start, name="start"),
    path("applications/<uuid:public_id>/", views.application_detail, name="application"),
]
