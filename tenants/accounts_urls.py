"""Sign-in URLs. In deployments the sign-in page leads to the OpenID provider; the
password form is there only where CREDITGENIE_DEV_LOGIN is on (local runs, tests)."""

from __future__ import annotations

from django.urls import path

from .views import accounts

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", accounts.sign_out, name="logout"),
    path("signed-out/", accounts.signed_out, name="signed-out"),
    path("reauthenticate/", accounts.reauthenticate, name="reauthenticate"),
]
