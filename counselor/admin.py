"""The Django admin: the creditor terms table with every version, read-only.

Changes go through the agency pages (counselor:creditor-terms), which require a recent
sign-in, keep the reason and record an audit event; the admin shows the same rows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin

from tenants.admin import ReadOnlyAdmin

from .models import CreditorTerms


class CreditorTermsAdmin(ReadOnlyAdmin):
    list_display = [
        "creditor",
        "version",
        "is_default",
        "min_payment_pct",
        "concession_apr",
        "max_term_months",
        "fair_share_pct",
        "active",
        "valid_from",
        "valid_to",
        "changed_by",
    ]
    list_filter = ["active", "is_default", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["creditor", "aliases"]
    list_select_related = ["changed_by"]
    readonly_fields = [field.name for field in CreditorTerms._meta.fields]


if not settings.IS_FRONTDOOR:
    admin.site.register(CreditorTerms, CreditorTermsAdmin)
