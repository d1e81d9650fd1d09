from __future__ import annotations

from django.urls import path

from .views import agency as views

app_name = "agency"

urlpatterns = [
    path("", views.home, name="home"),
    path("brand.css", views.brand_css, name="brand-css"),
    path("brand/logo", views.logo, name="logo"),
]
