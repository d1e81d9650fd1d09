"""The Django admin: the outbox, read-only, for staff following a delivery problem. It shows
what happened to each notice (state, attempts, last error, times), never its address."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin

from tenants.admin import ReadOnlyAdmin

from .models import Notice

SHOWN = [
    "public_id",
    "kind",
    "channel",
    "language",
    "recipient",
    "link",
    "state",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
    "delivered_at",
]


class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "channel", "state", "attempts", "last_error"]
    list_filter = ["state", "channel", "kind"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    fields = SHOWN  # not `address`: an e-mail address or phone number (encrypted)
    readonly_fields = SHOWN


if not settings.IS_FRONTDOOR:
    admin.site.register(Notice, NoticeAdmin)
