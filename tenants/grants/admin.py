from __future__ import annotations

from django.contrib import admin

from tenants.admin import ReadOnlyAdmin

from .models import Grant


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    """Grants are issued on the step-up protected page or by command, never edited here."""

    list_display = ["public_id", "user", "scope", "issued_at", "expires_at", "revoked_at"]
    list_filter = ["scope"]
    readonly_fields = [f.name for f in Grant._meta.fields]
