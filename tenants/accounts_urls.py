"""Sign-in URLs. In deployments the sign-in page leads to the OpenID provider; the
password form is there only where CREDITGENIE_DEV_LOGIN is on (local runs, tests)."""

from __future__ import annotations

from django.urls import path

from . import account_views

app_name = "accounts"

urlpatterns = [
    path("login/", account_views.SignInView.as_view(), name="login"),
    path("logout/", account_views.sign_out, name="logout"),
    path("signed-out/", account_views.signed_out, name="signed-out"),
    path("reauthenticate/", account_views.reauthenticate, name="reauthenticate"),
]
