from __future__ import annotations

from django.urls import path

from . import views

app_name = "oidc"

urlpatterns = [
    path("authenticate/", views.AuthenticateView.as_view(), name="authenticate"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
    path("reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path(
        "reauthenticate/continue/",
        views.AuthenticateView.as_view(reauthenticate=True),
        name="reauthenticate-continue",
    ),
]
