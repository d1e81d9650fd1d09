from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Grant


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    """Grants are issued on the step-up protected page or by command, never edited here."""

    list_display = ["public_id", "user", "scope", "issued_at", "expires_at", "revoked_at"]
    list_filter = ["scope"]
    readonly_fields = [f.name for f in Grant._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
