"""URLs of the vendor integrations: webhook endpoints only (no consumer pages)."""

from __future__ import annotations

from django.urls import path

from .plaid import webhooks

app_name = "integrations"

urlpatterns = [
    path("plaid/webhook", webhooks.plaid_webhook, name="plaid-webhook"),
]
