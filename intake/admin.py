from __future__ import annotations

from django.contrib import admin

from .models import Application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["public_id", "status", "language", "created_at"]
    list_filter = ["status", "language"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    raw_id_fields = ["consumer"]
