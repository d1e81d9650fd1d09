from __future__ import annotations

from django.urls import path

from .views import benchmarks
from .views import frontdoor as views

app_name = "frontdoor"

urlpatterns = [
    path("", views.home, name="home"),
    path("route/", views.route, name="route"),
    path("r/<str:code>/", views.referral, name="referral"),
    path("r/<str:code>", views.referral),
    path("agencies/", views.chooser, name="chooser"),
    path("agencies/<slug:slug>/", views.choose, name="choose"),
    path("platform/benchmarks/", benchmarks.benchmarks, name="benchmarks"),
]
