"""Sign-in URLs. Password sign-in exists only where CREDITGENIE_DEV_LOGIN is on
(local runs and tests); deployments sign people in through their OpenID provider."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views

app_name = "accounts"

if settings.CREDITGENIE_DEV_LOGIN:
    login_view = auth_views.LoginView.as_view(template_name="accounts/login.html")
else:
    login_view = account_views.sign_in_unavailable

urlpatterns = [
    path("login/", login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
